import { isKeygateError, type SecretMetadata, type SecretRef, type SecretScope } from '@keygate/core';
import type { VaultApi } from '../api.js';
import { mapWithConcurrency } from '../concurrency.js';
import type { VaultLayout } from '../path-template.js';
import { asRecord, responseData, stringMap } from './shapes.js';

/** Keys directly in a scope's folder (one LIST). Sub-folders are skipped; an absent folder is empty. */
export async function listKeys(api: VaultApi, layout: VaultLayout, scope: SecretScope): Promise<string[]> {
  let body: unknown;
  try {
    body = await api.list(layout.listPath(scope), 'listing keys');
  } catch (error) {
    // Vault answers a LIST of a folder with nothing in it with 404.
    if (isKeygateError(error) && error.code === 'NOT_FOUND') return [];
    throw error;
  }
  const keys = responseData(body)?.keys;
  if (!Array.isArray(keys)) return [];
  return keys.filter((key): key is string => typeof key === 'string' && key !== '' && !key.endsWith('/'));
}

/** `GET {mount}/metadata/{path}/{key}`: versions and custom_metadata, never the value. */
export async function readMetadata(api: VaultApi, layout: VaultLayout, ref: SecretRef): Promise<SecretMetadata> {
  const data = responseData(await api.read(layout.metadataPath(ref), `reading metadata of ${ref.key}`)) ?? {};
  const current = data.current_version;
  const updated = typeof data.updated_time === 'string' ? new Date(data.updated_time) : undefined;
  return {
    key: ref.key,
    ...(typeof current === 'number' && current > 0 ? { version: String(current) } : {}),
    labels: stringMap(asRecord(data.custom_metadata)),
    ...(updated !== undefined && !Number.isNaN(updated.getTime()) ? { updatedAt: updated } : {}),
  };
}

/** One LIST, then the metadata of every key with at most `concurrency` requests in flight. */
export async function listMetadata(api: VaultApi, layout: VaultLayout, scope: SecretScope, concurrency: number): Promise<SecretMetadata[]> {
  const keys = await listKeys(api, layout, scope);
  const entries = await mapWithConcurrency(keys, concurrency, async (key) => {
    try {
      return await readMetadata(api, layout, { ...scope, key });
    } catch (error) {
      // Deleted between the LIST and this read.
      if (isKeygateError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  });
  return entries.filter((entry): entry is SecretMetadata => entry !== undefined && entry.version !== undefined);
}
