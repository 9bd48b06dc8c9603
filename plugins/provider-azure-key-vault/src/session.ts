import type {
  GetOptions,
  Logger,
  ProviderCapabilities,
  PutOptions,
  PutResult,
  Secret,
  SecretMetadata,
  SecretProvider,
  SecretRef,
  SecretScope,
  SecretValue,
} from '@keygate/core';
import { SharedReads, scopeKey } from '@keygate/core';
import { capabilities } from './config.js';
import { deleteSecret } from './operations/delete.js';
import { checkAccess, listMetadata } from './operations/list.js';
import { getAllSecrets, getSecret } from './operations/read.js';
import type { Context } from './operations/shared.js';
import { putSecret } from './operations/write.js';

/** An authenticated session: the SDK client behind the retrying AzureCaller, one module per operation family. */
export class AzureKeyVaultSession implements SecretProvider {
  readonly capabilities: ProviderCapabilities = capabilities;
  readonly #ctx: Context;
  readonly #logger: Logger;
  /** Reads of one scope made together share one read of the backend (and its answer). */
  readonly #reads = new SharedReads<ReadonlyMap<string, Secret>>();

  constructor(ctx: Context, logger: Logger) {
    this.#ctx = ctx;
    this.#logger = logger;
  }

  getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    return this.#reads.get(scopeKey(scope), () => getAllSecrets(this.#ctx, scope));
  }

  get(ref: SecretRef, options?: GetOptions): Promise<SecretValue> {
    return getSecret(this.#ctx, ref, options);
  }

  put(ref: SecretRef, value: Secret, options?: PutOptions): Promise<PutResult> {
    return putSecret(this.#ctx, ref, value, options);
  }

  delete(ref: SecretRef): Promise<void> {
    return deleteSecret(this.#ctx, ref, this.#logger);
  }

  listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    return listMetadata(this.#ctx, scope);
  }

  check(): Promise<void> {
    return checkAccess(this.#ctx);
  }

  close(): Promise<void> {
    // The SDK client holds no resources beyond pooled keep-alive sockets.
    return Promise.resolve();
  }
}
