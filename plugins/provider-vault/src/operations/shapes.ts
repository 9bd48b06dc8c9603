import { InvalidInputError } from '@keygate/core';

/** Vault numbers versions 1, 2, …; Keygate passes them around as strings. */
export function parseVersion(version: string, what: string): number {
  if (typeof version !== 'string' || !/^[1-9][0-9]{0,15}$/.test(version)) {
    throw new InvalidInputError(`Vault provider: ${what} must be a Vault version number ("1", "2", …)`);
  }
  return Number(version);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `{data: {…}}`, the envelope of every Vault answer. */
export function responseData(body: unknown): Record<string, unknown> | undefined {
  return asRecord(asRecord(body)?.data);
}

export function stringMap(value: unknown): Record<string, string> {
  const record = asRecord(value) ?? {};
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
