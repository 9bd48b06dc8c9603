import type { JsonSchema } from '@keygate/core';

/**
 * Converts strings to the number or boolean the schema expects at their place, and drops `null`
 * where an object or list is expected. Environment variables and `${VAR}` substitutions are always
 * strings, and a YAML section whose entries are all commented out parses as null; neither should
 * be an error. Positions whose schema also accepts a string are left alone.
 */
export function coerceToSchema(schema: JsonSchema, value: unknown): unknown {
  const types = typesOf(schema);
  if (typeof value === 'string') return coerceString(types, value);
  if (Array.isArray(value)) return schema.items ? value.map((item: unknown) => coerceToSchema(schema.items!, item)) : value;
  if (typeof value !== 'object' || value === null) return value;

  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : additional(schema);
    if (!childSchema) {
      result[key] = child;
      continue;
    }
    const childTypes = typesOf(childSchema);
    if (child === null && (childTypes.has('object') || childTypes.has('array')) && !childTypes.has('null')) continue;
    result[key] = coerceToSchema(childSchema, child);
  }
  return result;
}

function coerceString(types: ReadonlySet<string>, text: string): unknown {
  if (types.size === 0 || types.has('string')) return text;
  const trimmed = text.trim();
  if ((types.has('integer') || types.has('number')) && /^-?[0-9]+(\.[0-9]+)?$/.test(trimmed)) return Number(trimmed);
  if (types.has('boolean')) {
    const lowered = trimmed.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(lowered)) return true;
    if (['false', 'no', 'off', '0'].includes(lowered)) return false;
  }
  return text;
}

function typesOf(schema: JsonSchema): Set<string> {
  if (schema.type !== undefined) return new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  // An enum of strings accepts a string; an object schema without `type` still describes an object.
  if (schema.enum) return new Set(schema.enum.map((member) => (member === null ? 'null' : typeof member)));
  if (schema.properties) return new Set(['object']);
  return new Set();
}

function additional(schema: JsonSchema): JsonSchema | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}
