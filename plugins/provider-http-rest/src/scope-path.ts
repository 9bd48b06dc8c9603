import { InvalidInputError, type SecretScope } from '@keygate/core';

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type Part = { literal: string } | { placeholder: Placeholder };

export const DEFAULT_PATH_TEMPLATE = '{project}/{environment}';
/** Path sent by `check()`: no scope renders to it, because templates cannot contain `:`. */
export const CHECK_PATH = 'keygate:check';

const LITERAL = /^[A-Za-z0-9_.\-/]*$/;

/**
 * The `path` of a scope, rendered from the configured template (e.g. `{project}/{environment}` →
 * `shop/production`). It is what contract mode sends as `path` and what mapped mode puts in place
 * of `{path}` (each segment percent-encoded there).
 */
export interface ScopePath {
  readonly source: string;
  render(scope: SecretScope): string;
}

/**
 * Parses a path template. `{project}` and `{environment}` are required (so two environments of a
 * provider never share a path); `{tenant}` is optional because a provider connection belongs to
 * one tenant. Each placeholder at most once; literal text is letters, digits, `_`, `.`, `-`, `/`;
 * no empty, `.` or `..` segments. Throws an Error naming the problem.
 */
export function parseScopePath(source: string): ScopePath {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  const parts: Part[] = [];
  const seen = new Set<string>();
  let last = 0;
  for (const match of source.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) throw new Error(`has an unknown placeholder {${name}} (allowed: {tenant}, {project}, {environment})`);
    if (seen.has(name)) throw new Error(`uses {${name}} more than once`);
    seen.add(name);
    parts.push({ literal: source.slice(last, match.index) }, { placeholder: name as Placeholder });
    last = match.index + match[0].length;
  }
  parts.push({ literal: source.slice(last) });
  for (const part of parts) {
    if ('literal' in part && !LITERAL.test(part.literal)) throw new Error('may contain only letters, digits, "_", ".", "-", "/" and placeholders');
  }
  for (const name of ['project', 'environment'] as const) if (!seen.has(name)) throw new Error(`must contain {${name}}`);
  const skeleton = parts.map((part) => ('literal' in part ? part.literal : 'x')).join('');
  if (skeleton.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error('may not start or end with "/" or have empty, "." or ".." segments');
  }
  return {
    source,
    render(scope) {
      return parts.map((part) => ('literal' in part ? part.literal : checkName(scope[part.placeholder], part.placeholder))).join('');
    },
  };
}

/** A slug or key that will become (part of) one path segment: not empty, no `/`, not `.` or `..`. */
export function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new InvalidInputError(`HttpRest provider: ${what} must be a non-empty name without "/" and not "." or ".."`);
  }
  return value;
}

/** A rendered path for a URL: every segment percent-encoded, the `/` between them kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
