import type {
  GetOptions,
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
import { AwsCaller, type SessionTuning } from './client.js';
import { capabilities, type ResolvedConfig } from './config.js';
import { deleteSecret } from './operations/delete.js';
import { checkAccess, listMetadata } from './operations/list.js';
import { getAllSecrets, getSecret } from './operations/read.js';
import { putSecret } from './operations/write.js';

/** An authenticated session: the SDK client behind {@link AwsCaller}, one module per operation family. */
export class AwsSecretsManagerSession implements SecretProvider {
  readonly capabilities: ProviderCapabilities = capabilities;
  readonly #caller: AwsCaller;
  readonly #config: ResolvedConfig;
  /** Reads of one scope made together share one read of the backend (and its answer). */
  readonly #reads = new SharedReads<ReadonlyMap<string, Secret>>();

  constructor(config: ResolvedConfig, tuning: SessionTuning = {}) {
    this.#config = config;
    this.#caller = new AwsCaller(config, tuning);
  }

  getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    return this.#reads.get(scopeKey(scope), () => getAllSecrets(this.#caller, this.#config.template, scope));
  }

  get(ref: SecretRef, options?: GetOptions): Promise<SecretValue> {
    return getSecret(this.#caller, this.#config.template, ref, options);
  }

  put(ref: SecretRef, value: Secret, options?: PutOptions): Promise<PutResult> {
    return putSecret(this.#caller, this.#config.template, { kmsKeyId: this.#config.kmsKeyId }, ref, value, options);
  }

  delete(ref: SecretRef): Promise<void> {
    return deleteSecret(this.#caller, this.#config.template, ref);
  }

  listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    return listMetadata(this.#caller, this.#config.template, scope);
  }

  check(): Promise<void> {
    return checkAccess(this.#caller, this.#config.template);
  }

  close(): Promise<void> {
    this.#caller.close();
    return Promise.resolve();
  }
}
