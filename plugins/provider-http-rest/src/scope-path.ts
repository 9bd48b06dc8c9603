import { InvalidInputError, parseScopeTemplate, type SecretScope } from '@keygate/core';

export const DEFAULT_PATH_TEMPLATE = '{project}/{environment}';
/** Path sent by `check()`: no scope renders to it, because templates cannot contain `:`. */
export const CHECK_PATH = 'keygate:check';

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
  const template = parseScopeTemplate(source, ['project', 'environment']);
  return { source, render: (scope) => template.render(scope, checkName) };
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
