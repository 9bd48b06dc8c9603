import { SECRET_MASK, type JsonSchema } from '@keygate/core';
import { transformSecrets } from '../validation/json-schema.js';

type Json = Record<string, unknown>;

/** Credentials passed through `fn` (bound to their path): encrypt for storage, decrypt for a factory. */
export function mapCredentials(schema: JsonSchema, config: Json, fn: (value: string, path: string) => string): Json {
  return transformSecrets(schema, config, (value, path) => (typeof value === 'string' && value !== '' ? fn(value, path) : value)) as Json;
}

/**
 * For updates: a credential sent back as `***ENCRYPTED***` keeps its stored value, so clients can
 * send back what they read. `storedPlain` is the decrypted stored configuration.
 */
export function restoreMaskedCredentials(schema: JsonSchema, incoming: Json, storedPlain: Json): Json {
  return transformSecrets(schema, incoming, (value, path) => {
    if (value !== SECRET_MASK) return value;
    const previous = valueAt(storedPlain, path);
    return typeof previous === 'string' ? previous : value;
  }) as Json;
}

/** Reads `a.b[0].c` from a JSON value. */
function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
