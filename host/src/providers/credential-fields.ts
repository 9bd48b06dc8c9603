import { SECRET_MASK, type JsonSchema } from '@keygate/core';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies `fn` to every string value the schema marks `x-keygate-secret` (at any depth of nested
 * object properties) and returns a copy; everything else is copied as it is.
 */
function mapSecrets(schema: JsonSchema, value: unknown, fn: (current: string, path: string) => unknown, path = ''): unknown {
  if (!isObject(value)) return value;
  const result: Json = { ...value };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (!(name in value)) continue;
    const childPath = path ? `${path}.${name}` : name;
    const child = value[name];
    if (property['x-keygate-secret'] === true && typeof child === 'string') result[name] = fn(child, childPath);
    else if (isObject(child)) result[name] = mapSecrets(property, child, fn, childPath);
  }
  return result;
}

/** Credentials replaced by `***ENCRYPTED***`, for every response. */
export function maskCredentials(schema: JsonSchema, stored: Json): Json {
  return mapSecrets(schema, stored, () => SECRET_MASK) as Json;
}

/** Credentials encrypted with `encrypt` (bound to their path), for storage. */
export function encryptCredentials(schema: JsonSchema, plain: Json, encrypt: (value: string, path: string) => string): Json {
  return mapSecrets(schema, plain, encrypt) as Json;
}

/** Credentials decrypted, to hand to the provider factory. */
export function decryptCredentials(schema: JsonSchema, stored: Json, decrypt: (value: string, path: string) => string): Json {
  return mapSecrets(schema, stored, decrypt) as Json;
}

/**
 * For updates: a credential sent back as `***ENCRYPTED***` keeps its stored value, so clients can
 * send back what they read. `storedPlain` is the decrypted stored configuration.
 */
export function restoreMaskedCredentials(schema: JsonSchema, incoming: Json, storedPlain: Json): Json {
  const lookup = (path: string): unknown => path.split('.').reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), storedPlain);
  return mapSecrets(schema, incoming, (current, path) => {
    const previous = lookup(path);
    return current === SECRET_MASK && typeof previous === 'string' ? previous : current;
  }) as Json;
}
