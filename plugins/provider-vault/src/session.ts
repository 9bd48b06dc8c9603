import {
  KeygateError,
  SharedReads,
  scopeKey,
  type GetOptions,
  type ProviderCapabilities,
  type PutOptions,
  type PutResult,
  type Secret,
  type SecretMetadata,
  type SecretProvider,
  type SecretRef,
  type SecretScope,
  type SecretValue,
} from '@keygate/core';
import type { VaultApi } from './api.js';
import type { VaultAuth } from './auth/auth.js';
import { capabilities } from './config.js';
import type { VaultLayout } from './path-template.js';
import { checkConnection } from './operations/check.js';
import { deleteSecret } from './operations/delete.js';
import { listMetadata } from './operations/metadata.js';
import { getAllSecrets, getSecret } from './operations/read.js';
import { putSecret } from './operations/write.js';

/** Reads in flight per getAll / listMetadata. */
export const DEFAULT_READ_CONCURRENCY = 8;

/** An authenticated session against one Vault: the calls, and `close()`. */
export class VaultSecretProvider implements SecretProvider {
  readonly capabilities: ProviderCapabilities = capabilities;
  #closed = false;
  /** Reads of one scope made together share one read of the backend (and its answer). */
  readonly #reads = new SharedReads<ReadonlyMap<string, Secret>>();

  constructor(
    private readonly api: VaultApi,
    private readonly auth: VaultAuth,
    private readonly layout: VaultLayout,
    private readonly readConcurrency: number = DEFAULT_READ_CONCURRENCY,
  ) {}

  getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    this.#open();
    return this.#reads.get(scopeKey(scope), () => getAllSecrets(this.api, this.layout, scope, this.readConcurrency));
  }

  get(ref: SecretRef, options?: GetOptions): Promise<SecretValue> {
    this.#open();
    return getSecret(this.api, this.layout, ref, options);
  }

  put(ref: SecretRef, value: Secret, options?: PutOptions): Promise<PutResult> {
    this.#open();
    return putSecret(this.api, this.layout, ref, value, options);
  }

  delete(ref: SecretRef): Promise<void> {
    this.#open();
    return deleteSecret(this.api, this.layout, ref);
  }

  listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    this.#open();
    return listMetadata(this.api, this.layout, scope, this.readConcurrency);
  }

  check(): Promise<void> {
    this.#open();
    return checkConnection(this.api);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.auth.close();
  }

  #open(): void {
    if (this.#closed) throw new KeygateError('INTERNAL', 'Vault provider: the session is closed');
  }
}
