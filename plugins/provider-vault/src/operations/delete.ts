import type { SecretRef } from '@keygate/core';
import type { VaultApi } from '../api.js';
import type { VaultLayout } from '../path-template.js';
import { readMetadata } from './metadata.js';

/**
 * Deletes the key with all its versions (`DELETE {mount}/metadata/{path}/{key}`). Vault answers
 * 204 even for a key that does not exist, so the metadata is read first to raise `NOT_FOUND`.
 */
export async function deleteSecret(api: VaultApi, layout: VaultLayout, ref: SecretRef): Promise<void> {
  await readMetadata(api, layout, ref);
  await api.remove(layout.metadataPath(ref), `deleting ${ref.key}`);
}
