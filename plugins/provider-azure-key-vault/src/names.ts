import { InvalidInputError, type SecretRef, type SecretScope } from '@keygate/core';

/** Azure Key Vault object names: letters, digits and `-`, 1 to 127 characters. */
export const AZURE_NAME_PATTERN = /^[A-Za-z0-9-]{1,127}$/;
export const MAX_NAME_LENGTH = 127;
export const DEFAULT_NAME_TEMPLATE = '{tenant}--{project}--{environment}--{key}';

/** What a Keygate key or slug may hold (printable ASCII); everything but letters and digits is escaped. */
const PART_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Reversible mapping of a Keygate key or slug to Azure name characters: letters and digits stay,
 * every other character becomes `-` + its two-digit lowercase hex code (`-` → `-2d`, `_` → `-5f`,
 * `.` → `-2e`). An encoded part therefore never holds `--` and never ends with `-`, which makes the
 * `--` separators of the template unambiguous.
 */
export function encodePart(part: string): string {
  let out = '';
  for (const char of part) {
    if (/^[A-Za-z0-9]$/.test(char)) out += char;
    else out += `-${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of {@link encodePart}; undefined when `encoded` is not the canonical encoding of any part. */
export function decodePart(encoded: string): string | undefined {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i]!;
    if (char !== '-') {
      if (!/^[A-Za-z0-9]$/.test(char)) return undefined;
      out += char;
      continue;
    }
    const hex = encoded.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  // Canonical only: an escaped letter (`-41`) or a control character is not something we wrote.
  return out !== '' && PART_PATTERN.test(out) && encodePart(out) === encoded ? out : undefined;
}

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;

export interface NameTemplate {
  readonly source: string;
  /** Everything before `{key}` for a scope: the listing prefix of that scope. */
  prefix(scope: SecretScope): string;
  /** The Azure secret name of a key; INVALID_INPUT when it would exceed 127 characters. */
  name(ref: SecretRef): string;
  /** The Keygate key of a listed Azure name, or undefined when it does not belong to `prefix`. */
  keyOf(name: string, prefix: string): string | undefined;
}

/**
 * Parses a template. It must end with `{key}`, contain `{tenant}`, `{project}` and `{environment}`
 * once each, each followed by `--`, and literal text may only use letters, digits and `-`.
 */
export function parseNameTemplate(source: string): NameTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  if (!source.endsWith('{key}')) throw new Error('must end with "{key}"');
  const head = source.slice(0, -'{key}'.length);
  for (const placeholder of PLACEHOLDERS) {
    const token = `{${placeholder}}`;
    const at = head.indexOf(token);
    if (at < 0) throw new Error(`must contain ${token}`);
    if (head.indexOf(token, at + 1) >= 0) throw new Error(`must contain ${token} only once`);
    if (head.slice(at + token.length, at + token.length + 2) !== '--') throw new Error(`${token} must be followed by "--"`);
  }
  const literal = head.replace(/\{(tenant|project|environment)\}/g, '');
  if (literal.includes('{') || literal.includes('}')) throw new Error('unknown placeholder (allowed: {tenant}, {project}, {environment}, {key})');
  if (!/^[A-Za-z0-9-]*$/.test(literal)) throw new Error('literal parts may only use letters, digits and "-"');

  const prefix = (scope: SecretScope): string =>
    head.replace(/\{(tenant|project|environment)\}/g, (_, name: 'tenant' | 'project' | 'environment') => encodePart(checkPart(scope[name], name)));
  return {
    source,
    prefix,
    name(ref) {
      const name = prefix(ref) + encodePart(checkPart(ref.key, 'key'));
      if (name.length > MAX_NAME_LENGTH) {
        throw new InvalidInputError(`the Azure Key Vault name for key "${ref.key}" would be ${name.length} characters; Azure allows at most ${MAX_NAME_LENGTH}`, {
          key: ref.key,
        });
      }
      return name;
    },
    keyOf(name, scopePrefix) {
      if (name.length <= scopePrefix.length || name.slice(0, scopePrefix.length).toLowerCase() !== scopePrefix.toLowerCase()) return undefined;
      return decodePart(name.slice(scopePrefix.length));
    },
  };
}

function checkPart(value: unknown, what: string): string {
  if (typeof value !== 'string' || !PART_PATTERN.test(value)) {
    throw new InvalidInputError(`${what} must be a non-empty string of printable ASCII characters`);
  }
  return value;
}
