import { createHash } from 'node:crypto';
import { InvalidInputError, type SecretRef, type SecretScope } from '@keygate/core';

/** Characters and length GCP allows in a secret id. */
export const SECRET_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
export const MAX_SECRET_ID_LENGTH = 255;
/** Keygate slugs (tenant, project, environment): lowercase letters, digits and "-", never "_". */
const SLUG_PATTERN = /^[a-z0-9-]{1,63}$/;
/** Keygate keys: letters, digits, "_", "." and "-". */
const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** Marks a key part that is a hash (the key was too long to spell out); never produced by {@link encodeKey}. */
const HASHED_MARKER = '-x';

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;

/**
 * The key part of a secret id. Reversible and injective: letters, digits and "_" are kept,
 * "-" becomes "--" and "." becomes "-d". Every "-" in an encoded key starts a two-character escape,
 * so decoding is unambiguous (`a.b-c_D9` ↔ `a-db--c_D9`).
 */
export function encodeKey(key: string): string {
  return key.replace(/[.-]/g, (char) => (char === '-' ? '--' : '-d'));
}

/** The inverse of {@link encodeKey}; undefined for text no key encodes to. */
export function decodeKey(encoded: string): string | undefined {
  let key = '';
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i]!;
    if (char !== '-') {
      if (!/[A-Za-z0-9_]/.test(char)) return undefined;
      key += char;
      continue;
    }
    const next = encoded[++i];
    if (next === '-') key += '-';
    else if (next === 'd') key += '.';
    else return undefined;
  }
  return key === '' ? undefined : key;
}

/** The key part used when the spelled-out id would exceed 255 characters: "-x" + SHA-256 (hex) of the key. */
export function hashedKey(key: string): string {
  return HASHED_MARKER + createHash('sha256').update(key, 'utf8').digest('hex');
}

export function isHashedKey(encoded: string): boolean {
  return encoded.startsWith(HASHED_MARKER) && /^-x[0-9a-f]{64}$/.test(encoded);
}

/** A parsed secret id template: the scope prefix is everything before `{key}`, which comes last. */
export interface SecretIdTemplate {
  readonly source: string;
  /** The literal text before the first placeholder: every id this provider writes starts with it. */
  readonly staticPrefix: string;
  prefix(scope: SecretScope): string;
  secretId(ref: SecretRef): string;
}

/**
 * Parses and checks a template. `{tenant}`, `{project}` and `{environment}` appear once each, each
 * followed by "_", and the template ends with `{key}`. Slugs never hold "_", so the scope part of an
 * id parses one way only and a scope's ids are exactly the ids that start with its prefix.
 */
export function parseSecretIdTemplate(source: string): SecretIdTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  if (!source.endsWith('{key}')) throw new Error('must end with "{key}"');
  const head = source.slice(0, -'{key}'.length);
  if (head.includes('{key}')) throw new Error('must contain {key} only once');
  for (const placeholder of PLACEHOLDERS) {
    const token = `{${placeholder}}`;
    const at = head.indexOf(token);
    if (at < 0) throw new Error(`must contain ${token}`);
    if (head.indexOf(token, at + 1) >= 0) throw new Error(`must contain ${token} only once`);
    if (head[at + token.length] !== '_') throw new Error(`${token} must be followed by "_"`);
  }
  const literal = head.replace(/\{(tenant|project|environment)\}/g, '');
  if (literal.includes('{') || literal.includes('}')) throw new Error('unknown placeholder (allowed: {tenant}, {project}, {environment}, {key})');
  if (!/^[A-Za-z0-9_-]*$/.test(literal)) throw new Error('literal parts may only use A-Za-z0-9, "_" and "-"');
  const staticPrefix = head.slice(0, head.indexOf('{'));

  const prefix = (scope: SecretScope): string => {
    for (const placeholder of PLACEHOLDERS) checkSlug(scope[placeholder], placeholder);
    return head.replace(/\{(tenant|project|environment)\}/g, (_, name: 'tenant' | 'project' | 'environment') => scope[name]);
  };
  return {
    source,
    staticPrefix,
    prefix,
    secretId(ref) {
      if (typeof ref.key !== 'string' || !KEY_PATTERN.test(ref.key)) throw new InvalidInputError('key must be a non-empty string of A-Za-z0-9 and _ . -');
      const scoped = prefix(ref);
      const spelled = scoped + encodeKey(ref.key);
      if (spelled.length <= MAX_SECRET_ID_LENGTH) return spelled;
      const hashed = scoped + hashedKey(ref.key);
      if (hashed.length > MAX_SECRET_ID_LENGTH) throw new InvalidInputError(`the GCP secret id for key "${ref.key}" would exceed ${MAX_SECRET_ID_LENGTH} characters`);
      return hashed;
    },
  };
}

function checkSlug(value: unknown, what: string): void {
  if (typeof value !== 'string' || !SLUG_PATTERN.test(value)) {
    throw new InvalidInputError(`${what} must be a slug of lowercase letters, digits and "-" (at most 63 characters)`);
  }
}

/**
 * The key of a listed secret id under `prefix`: decoded from the id, or for a hashed id taken from
 * the `keygate-key` annotation (checked against the hash). Undefined when the id is not this scope's.
 */
export function keyOf(secretId: string, prefix: string, annotatedKey: string | undefined): string | undefined {
  if (!secretId.startsWith(prefix)) return undefined;
  const encoded = secretId.slice(prefix.length);
  if (isHashedKey(encoded)) {
    return annotatedKey !== undefined && KEY_PATTERN.test(annotatedKey) && hashedKey(annotatedKey) === encoded ? annotatedKey : undefined;
  }
  const key = decodeKey(encoded);
  // A spelled-out id is only ever written when it fits; a longer key is always hashed.
  return key !== undefined && KEY_PATTERN.test(key) ? key : undefined;
}

/** The secret id (last path segment) of a resource name `projects/{p}/secrets/{id}[/versions/{n}]`. */
export function secretIdOf(name: string | null | undefined): string | undefined {
  const match = /^projects\/[^/]+\/secrets\/([^/]+)/.exec(name ?? '');
  return match?.[1];
}

/** The numeric version of a version resource name. */
export function versionOf(name: string | null | undefined): string | undefined {
  const match = /\/versions\/(\d+)$/.exec(name ?? '');
  return match?.[1];
}
