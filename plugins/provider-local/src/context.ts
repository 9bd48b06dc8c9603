import type { SecretRef } from '@keygate/core';

/**
 * The keyring's additional authenticated data for one stored value. A ciphertext only decrypts in
 * the row it was written to: copying it to another provider, tenant, project, environment, key or
 * version makes decryption fail instead of serving the wrong secret. A JSON array keeps the parts
 * unambiguous whatever characters they contain.
 */
export function encryptionContext(providerId: string, ref: SecretRef, version: string): string {
  return JSON.stringify(['keygate-local/v1', providerId, ref.tenant, ref.project, ref.environment, ref.key, version]);
}
