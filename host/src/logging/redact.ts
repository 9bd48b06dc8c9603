import { Secret } from '@keygate/core';

export const REDACTED = '[redacted]';

/** Field names whose values are never logged, whatever they hold. */
export const SENSITIVE_FIELD = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|value/i;

const MAX_DEPTH = 6;
// `scheme://user:password@host`: connection strings reach logs through error messages.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi;

export interface RedactOptions {
  /** Include error stacks (debug level only: they reveal code layout, and are noise otherwise). */
  stacks: boolean;
}

/**
 * Makes a log field safe and serialisable: sensitive field names, `Secret` values and URL
 * passwords become `[redacted]`; errors become `{name, message, code}`; binary data is summarised
 * by its size; cycles and very deep nesting are cut.
 */
export function redactFields(fields: Record<string, unknown>, options: RedactOptions): Record<string, unknown> {
  return redactObjectEntries(Object.entries(fields), options, 0, new WeakSet());
}

function redact(value: unknown, options: RedactOptions, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (isSecret(value)) return REDACTED;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (value instanceof URL) return redact(value.href, options, depth, seen);
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, options, depth, seen);
    if (Array.isArray(value)) return value.map((item: unknown) => redact(item, options, depth + 1, seen));
    if (value instanceof Set) return [...value].map((item: unknown) => redact(item, options, depth + 1, seen));
    if (value instanceof Map) return redactObjectEntries([...value].map(([key, item]: [unknown, unknown]) => [String(key), item]), options, depth + 1, seen);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redact(toJSON.call(value), options, depth + 1, seen);
    return redactObjectEntries(Object.entries(value), options, depth + 1, seen);
  } finally {
    seen.delete(value);
  }
}

function redactObjectEntries(entries: Array<[string, unknown]>, options: RedactOptions, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    result[key] = SENSITIVE_FIELD.test(key) ? REDACTED : redact(value, options, depth, seen);
  }
  return result;
}

function redactError(error: Error, options: RedactOptions, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const result: Record<string, unknown> = { name: error.name, message: redact(error.message, options, depth, seen) };
  if (typeof code === 'string' || typeof code === 'number') result.code = code;
  if (options.stacks && error.stack) result.stack = redact(error.stack, options, depth, seen);
  if (error.cause !== undefined) result.cause = redact(error.cause, options, depth + 1, seen);
  return result;
}

/**
 * `instanceof` misses a Secret made by another copy of @keygate/core (a plugin may bundle its
 * own), so anything that refuses to print itself the way Secret does counts too.
 */
function isSecret(value: object): boolean {
  if (value instanceof Secret) return true;
  const candidate = value as { reveal?: unknown; toJSON?: unknown };
  return typeof candidate.reveal === 'function' && typeof candidate.toJSON === 'function' && candidate.toJSON() === REDACTED;
}
