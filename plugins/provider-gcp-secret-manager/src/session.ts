import type { GetOptions, ProviderCapabilities, PutOptions, PutResult, Secret, SecretMetadata, SecretProvider, SecretRef, SecretScope, SecretValue } from '@keygate/core';
import { SharedReads, scopeKey } from '@keygate/core';
import { GcpCaller, type SessionTuning } from './client.js';
import { capabilitiesFor, type ResolvedConfig } from './config.js';
import { checkAccess, deleteSecret, getAllSecrets, getSecret, listMetadata, putSecret, settingsOf, type Settings } from './operations.js';

/** An authenticated session: the official client behind {@link GcpCaller}. */
export class GcpSecretManagerSession implements SecretProvider {
  readonly capabilities: ProviderCapabilities;
  readonly #caller: GcpCaller;
  readonly #settings: Settings;
  /** Reads of one scope made together share one read of the backend (and its answer). */
  readonly #reads = new SharedReads<ReadonlyMap<string, Secret>>();

  constructor(config: ResolvedConfig, tuning: SessionTuning = {}) {
    this.capabilities = capabilitiesFor(config);
    this.#settings = settingsOf(config);
    this.#caller = new GcpCaller(config, tuning);
  }

  getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    return this.#reads.get(scopeKey(scope), () => getAllSecrets(this.#caller, this.#settings, scope));
  }

  get(ref: SecretRef, options?: GetOptions): Promise<SecretValue> {
    return getSecret(this.#caller, this.#settings, ref, options);
  }

  put(ref: SecretRef, value: Secret, options?: PutOptions): Promise<PutResult> {
    return putSecret(this.#caller, this.#settings, ref, value, options);
  }

  delete(ref: SecretRef): Promise<void> {
    return deleteSecret(this.#caller, this.#settings, ref);
  }

  listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    return listMetadata(this.#caller, this.#settings, scope);
  }

  check(): Promise<void> {
    return checkAccess(this.#caller, this.#settings);
  }

  close(): Promise<void> {
    return this.#caller.close();
  }
}
