import { InvalidInputError, KeygateError, type SecretRef, type SecretScope } from '@keygate/core';

// Generous bounds that keep every identifier well inside a PostgreSQL index entry; the host
// applies Keygate's stricter key pattern before a request gets here.
const MAX_SLUG_LENGTH = 256;
const MAX_KEY_LENGTH = 512;
/** Larger values belong in a dedicated secret store, not in the host's database. */
export const MAX_VALUE_BYTES = 1024 * 1024;
const MAX_LABELS = 64;
const MAX_LABEL_LENGTH = 256;

function identifier(value: unknown, name: string, max: number): void {
  if (typeof value !== 'string' || value === '') throw new InvalidInputError(`${name} must be a non-empty string`);
  if (value.length > max) throw new InvalidInputError(`${name} must be at most ${max} characters`);
  // PostgreSQL text cannot hold NUL.
  if (value.includes('\u0000')) throw new InvalidInputError(`${name} must not contain NUL characters`);
}

export function checkScope(scope: SecretScope): void {
  identifier(scope.tenant, 'tenant', MAX_SLUG_LENGTH);
  identifier(scope.project, 'project', MAX_SLUG_LENGTH);
  identifier(scope.environment, 'environment', MAX_SLUG_LENGTH);
}

export function checkRef(ref: SecretRef): void {
  checkScope(ref);
  identifier(ref.key, 'key', MAX_KEY_LENGTH);
}

export function checkValueSize(byteLength: number): void {
  if (byteLength > MAX_VALUE_BYTES) {
    throw new KeygateError('PAYLOAD_TOO_LARGE', `the Local provider stores values of at most ${MAX_VALUE_BYTES} bytes`);
  }
}

export function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidInputError('labels must be an object of strings');
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw new InvalidInputError(`at most ${MAX_LABELS} labels`);
  for (const [name, value] of entries) {
    identifier(name, 'label name', MAX_LABEL_LENGTH);
    if (typeof value !== 'string' || value.length > MAX_LABEL_LENGTH || value.includes('\u0000')) {
      throw new InvalidInputError(`label "${name}" must be a string of at most ${MAX_LABEL_LENGTH} characters without NUL`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Versions are positive integers without leading zeros, as this provider writes them. */
export function isVersionId(version: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(version);
}
