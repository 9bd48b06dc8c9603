import { Secret, UnsupportedError, isKeygateError, type GetOptions, type SecretRef, type SecretScope, type SecretValue } from '@keygate/core';
import type { VaultApi } from '../api.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { VaultLayout } from '../path-template.js';
import { listKeys } from './metadata.js';
import { asRecord, parseVersion, responseData } from './shapes.js';

/** The field of each KV v2 secret that holds the value. */
export const VALUE_FIELD = 'value';

/** `GET {mount}/data/{path}/{key}[?version=n]` → the `value` field and the version. */
export async function getSecret(api: VaultApi, layout: VaultLayout, ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
  const version = options.version === undefined ? undefined : String(parseVersion(options.version, 'version'));
  const data = responseData(await api.read(layout.dataPath(ref, version), `reading ${ref.key}`));
  const value = asRecord(data?.data)?.[VALUE_FIELD];
  const read = asRecord(data?.metadata)?.version;
  if (typeof value !== 'string') {
    throw new UnsupportedError(`Vault provider: the secret for ${ref.key} has no string field "${VALUE_FIELD}" (not written by Keygate?)`);
  }
  return { key: ref.key, value: new Secret(value), ...(typeof read === 'number' ? { version: String(read) } : {}) };
}

/**
 * One LIST of the scope's folder, then one GET per key with at most `concurrency` in flight.
 * Keys deleted meanwhile, and secrets not in Keygate's layout, are left out.
 */
export async function getAllSecrets(api: VaultApi, layout: VaultLayout, scope: SecretScope, concurrency: number): Promise<Map<string, Secret>> {
  const keys = await listKeys(api, layout, scope);
  const values = await mapWithConcurrency(keys, concurrency, async (key) => {
    try {
      return await getSecret(api, layout, { ...scope, key });
    } catch (error) {
      if (isKeygateError(error) && (error.code === 'NOT_FOUND' || error.code === 'UNSUPPORTED')) return undefined;
      throw error;
    }
  });
  const all = new Map<string, Secret>();
  for (const entry of values) if (entry !== undefined) all.set(entry.key, entry.value);
  return all;
}
