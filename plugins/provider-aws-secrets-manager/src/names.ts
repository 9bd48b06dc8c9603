import { InvalidInputError, type SecretRef, type SecretScope } from '@keygate/core';

/** Characters AWS allows in a secret name. */
export const AWS_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
export const MAX_NAME_LENGTH = 512;
/** A slug or key: what AWS allows in a name, minus "/" (the separator the layout relies on). */
const PART_PATTERN = /^[A-Za-z0-9_+=.@-]+$/;

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;

/** A parsed name template: the scope prefix is everything before `{key}`, which comes last. */
export interface NameTemplate {
  readonly source: string;
  /** The literal text before the first placeholder: every name this provider writes starts with it. */
  readonly staticPrefix: string;
  prefix(scope: SecretScope): string;
  name(ref: SecretRef): string;
}

/**
 * Parses and checks a template. Every scope placeholder must be followed by "/" and the template
 * must end with "/{key}": slugs and keys hold no "/", so a scope's names are exactly the names that
 * start with its prefix and have no further "/" — a prefix listing never mixes two scopes.
 */
export function parseNameTemplate(source: string): NameTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  if (!source.endsWith('/{key}')) throw new Error('must end with "/{key}"');
  const head = source.slice(0, -'{key}'.length);
  for (const placeholder of PLACEHOLDERS) {
    const token = `{${placeholder}}`;
    const at = head.indexOf(token);
    if (at < 0) throw new Error(`must contain ${token}`);
    if (head.indexOf(token, at + 1) >= 0) throw new Error(`must contain ${token} only once`);
    if (head[at + token.length] !== '/') throw new Error(`${token} must be followed by "/"`);
  }
  const literal = head.replace(/\{(tenant|project|environment)\}/g, 'x');
  if (literal.includes('{') || literal.includes('}')) throw new Error('unknown placeholder (allowed: {tenant}, {project}, {environment}, {key})');
  if (!AWS_NAME_PATTERN.test(literal)) throw new Error('literal parts may only use A-Za-z0-9 and /_+=.@-');
  const staticPrefix = head.slice(0, head.indexOf('{'));

  const prefix = (scope: SecretScope): string => {
    checkPart(scope.tenant, 'tenant');
    checkPart(scope.project, 'project');
    checkPart(scope.environment, 'environment');
    return head.replace(/\{(tenant|project|environment)\}/g, (_, name: 'tenant' | 'project' | 'environment') => scope[name]);
  };
  return {
    source,
    staticPrefix,
    prefix,
    name(ref) {
      checkPart(ref.key, 'key');
      const name = prefix(ref) + ref.key;
      if (name.length > MAX_NAME_LENGTH) throw new InvalidInputError(`the AWS secret name for key "${ref.key}" would exceed ${MAX_NAME_LENGTH} characters`);
      return name;
    },
  };
}

function checkPart(value: unknown, what: string): void {
  if (typeof value !== 'string' || !PART_PATTERN.test(value)) {
    throw new InvalidInputError(`${what} must be a non-empty string of A-Za-z0-9 and _+=.@- (AWS secret name characters, no "/")`);
  }
}

/** The key of a listed secret name, or undefined when the name is not directly under `prefix`. */
export function keyOf(name: string, prefix: string): string | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const key = name.slice(prefix.length);
  return key !== '' && PART_PATTERN.test(key) ? key : undefined;
}
