import type { VaultAuth } from './auth/auth.js';
import { toKeygateError, vaultStatus } from './errors.js';
import { withRetry, type RetryPolicy } from './retry.js';
import type { NodeVaultClient } from './vault-client.js';

/**
 * The narrow interface the operations use: node-vault behind four verbs, with auth refresh,
 * read retries and error mapping in one place. Paths are relative to `/v1/`.
 */
export class VaultApi {
  constructor(
    private readonly client: NodeVaultClient,
    private readonly auth: VaultAuth,
    private readonly retry: RetryPolicy,
    private readonly extensions: Record<string, string>,
  ) {}

  /** GET; retried on 429/5xx. */
  read(path: string, doing: string): Promise<unknown> {
    return this.call(doing, true, () => this.client.read(path));
  }

  /** LIST (sent as `GET …?list=1`); retried on 429/5xx. */
  list(path: string, doing: string): Promise<unknown> {
    return this.call(doing, true, () => this.client.list(path));
  }

  /** POST; never retried (a write that reached Vault must not be repeated). */
  write(path: string, body: unknown, doing: string): Promise<unknown> {
    return this.call(doing, false, () => this.client.write(path, body));
  }

  /** DELETE; not retried. */
  remove(path: string, doing: string): Promise<unknown> {
    return this.call(doing, false, () => this.client.delete(path));
  }

  /** `auth/token/lookup-self`; retried. */
  lookupSelf(doing: string): Promise<unknown> {
    return this.call(doing, true, () => this.client.tokenLookupSelf());
  }

  private async call(doing: string, retried: boolean, work: () => Promise<unknown>): Promise<unknown> {
    const attempt = async (): Promise<unknown> => {
      await this.auth.ensureFresh();
      return retried ? await withRetry(this.retry, work) : await work();
    };
    try {
      try {
        return await attempt();
      } catch (error) {
        // A 403 means the request was refused before doing anything, so one retry is safe.
        if (vaultStatus(error) === 403 && (await this.auth.reloginAfterDenied())) return await attempt();
        throw error;
      }
    } catch (error) {
      throw toKeygateError(error, doing, this.extensions);
    }
  }
}
