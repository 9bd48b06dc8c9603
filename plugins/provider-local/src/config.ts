import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';

export interface LocalProviderConfig {
  /** How many versions of each key to keep, newest first. Older ones are deleted on write. */
  maxVersions?: number;
  /** Bytes of decrypted values an open session keeps to answer repeated environment reads; 0 turns it off. */
  cacheMaxBytes?: number;
}

export const DEFAULT_MAX_VERSIONS = 100;
export const DEFAULT_CACHE_MAX_BYTES = 16 * 1024 * 1024;
const MAX_CACHE_MAX_BYTES = 1024 * 1024 * 1024;
const MAX_MAX_VERSIONS = 10_000;

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'Local (embedded) provider',
  description: 'Stores values in Keygate’s own PostgreSQL, encrypted with the host keyring. Needs no configuration.',
  properties: {
    maxVersions: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_MAX_VERSIONS,
      default: DEFAULT_MAX_VERSIONS,
      description: 'How many versions of each secret to keep (newest first); older versions are deleted when a new one is written.',
    },
    cacheMaxBytes: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_CACHE_MAX_BYTES,
      default: DEFAULT_CACHE_MAX_BYTES,
      description:
        'Decrypted values kept in the host process to answer repeated reads of an unchanged environment without decrypting again (checked against a per-environment write counter on every read). 0 turns the cache off.',
    },
  },
  additionalProperties: false,
};

export const capabilities: ProviderCapabilities = Object.freeze({
  versions: true,
  compareAndSet: true,
  labels: true,
  binary: false,
  batchRead: true,
});

/** The host validates against {@link configSchema} first; this guards direct callers (tests, scripts). */
export function resolveConfig(config: LocalProviderConfig | undefined): Required<LocalProviderConfig> {
  const known = new Set(Object.keys(configSchema.properties ?? {}));
  for (const name of Object.keys(config ?? {})) {
    if (!known.has(name)) throw new KeygateError('INVALID_CONFIGURATION', `Local provider: unknown configuration property "${name}"`);
  }
  const maxVersions = config?.maxVersions ?? DEFAULT_MAX_VERSIONS;
  if (!Number.isInteger(maxVersions) || maxVersions < 1 || maxVersions > MAX_MAX_VERSIONS) {
    throw new KeygateError('INVALID_CONFIGURATION', `Local provider: maxVersions must be an integer from 1 to ${MAX_MAX_VERSIONS}`);
  }
  const cacheMaxBytes = config?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  if (!Number.isInteger(cacheMaxBytes) || cacheMaxBytes < 0 || cacheMaxBytes > MAX_CACHE_MAX_BYTES) {
    throw new KeygateError('INVALID_CONFIGURATION', `Local provider: cacheMaxBytes must be an integer from 0 to ${MAX_CACHE_MAX_BYTES}`);
  }
  return { maxVersions, cacheMaxBytes };
}
