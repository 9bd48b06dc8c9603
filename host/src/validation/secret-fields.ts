import { SECRET_MASK, type JsonSchema } from '@keygate/core';
import { joinPath } from './validation-errors.js';

const SECRET_KEYWORD = 'x-keygate-secret';

/**
 * Returns a deep copy of `value` in which every value the schema marks `"x-keygate-secret": true`
 * has gone through `transform` (encrypt at rest, decrypt for a factory, mask for a response).
 * Marks are found in `properties`, in `items`, in an `additionalProperties` schema (a map of
 * credentials) and in the branches of allOf/anyOf/oneOf. `$ref` is not followed.
 */
export function transformSecrets(schema: JsonSchema, value: unknown, transform: (secret: unknown, path: string) => unknown): unknown {
  return walk([schema], value, '', transform);
}

/** Copy of `value` with every non-empty credential replaced by `***ENCRYPTED***`. */
export function maskSecrets<T>(schema: JsonSchema, value: T): T {
  return transformSecrets(schema, value, (secret) => (secret === null || secret === '' ? secret : SECRET_MASK)) as T;
}

/**
 * Dotted paths of the properties the schema marks as credentials: `password`, `auth.token`,
 * `endpoints[].apiKey` for each item of a list, `headers.*` for every field of a map.
 */
export function secretPaths(schema: JsonSchema): string[] {
  const paths: string[] = [];
  collectPaths(schema, '', paths, new Set());
  return [...new Set(paths)];
}

function walk(schemas: JsonSchema[], value: unknown, path: string, transform: (secret: unknown, path: string) => unknown): unknown {
  if (Array.isArray(value)) {
    const items = schemas.flatMap((schema) => expand(schema).flatMap((part) => (part.items ? [part.items] : [])));
    return value.map((item: unknown, index) => walk(items, item, joinPath(path, index), transform));
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchemas = schemas.flatMap((schema) => propertySchemas(schema, key));
    const childPath = joinPath(path, key);
    copy[key] =
      child !== undefined && childSchemas.some((schema) => schema[SECRET_KEYWORD] === true)
        ? transform(child, childPath)
        : walk(childSchemas, child, childPath, transform);
  }
  return copy;
}

/** Every schema that constrains property `key` of an object matched by `schema`. */
function propertySchemas(schema: JsonSchema, key: string): JsonSchema[] {
  return expand(schema).flatMap((part) => {
    const declared = part.properties && Object.hasOwn(part.properties, key) ? part.properties[key] : undefined;
    if (declared) return [declared];
    return typeof part.additionalProperties === 'object' ? [part.additionalProperties] : [];
  });
}

/** The schema and, recursively, the branches of its combinators, which all describe the same value. */
function expand(schema: JsonSchema): JsonSchema[] {
  return [schema, ...[...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(expand)];
}

function collectPaths(schema: JsonSchema, path: string, paths: string[], visiting: Set<JsonSchema>): void {
  if (visiting.has(schema)) return;
  visiting.add(schema);
  for (const part of expand(schema)) {
    for (const [key, property] of Object.entries(part.properties ?? {})) {
      const childPath = joinPath(path, key);
      if (property[SECRET_KEYWORD] === true) paths.push(childPath);
      else collectPaths(property, childPath, paths, visiting);
    }
    if (typeof part.additionalProperties === 'object') {
      const childPath = `${path === '' ? '' : `${path}.`}*`;
      if (part.additionalProperties[SECRET_KEYWORD] === true) paths.push(childPath);
      else collectPaths(part.additionalProperties, childPath, paths, visiting);
    }
    if (part.items) collectPaths(part.items, `${path}[]`, paths, visiting);
  }
  visiting.delete(schema);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
