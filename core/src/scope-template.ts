import type { SecretScope } from './contracts/provider.js';

export const SCOPE_PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;
export type ScopePlaceholder = (typeof SCOPE_PLACEHOLDERS)[number];

type Part = { literal: string } | { placeholder: ScopePlaceholder };

const LITERAL = /^[A-Za-z0-9_.\-/]*$/;

/** A parsed scope template such as `{tenant}/{project}/{environment}`. */
export interface ScopeTemplate {
  readonly source: string;
  /** The scope's path; `segment` checks (and may encode) each slug put in place of a placeholder. */
  render(scope: SecretScope, segment: (value: string, placeholder: ScopePlaceholder) => string): string;
}

/**
 * Parses the path template a provider maps scopes with. Only `{tenant}`, `{project}` and
 * `{environment}`, each at most once and those in `required` exactly once (so two scopes never share
 * a path); literal text is letters, digits, `_`, `.`, `-` and `/`; no empty, `.` or `..` segments.
 * Throws an Error naming the problem, for the plugin to report against its configuration field.
 */
export function parseScopeTemplate(source: string, required: readonly ScopePlaceholder[] = SCOPE_PLACEHOLDERS): ScopeTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  const parts: Part[] = [];
  const seen = new Set<string>();
  let last = 0;
  for (const match of source.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1]!;
    if (!(SCOPE_PLACEHOLDERS as readonly string[]).includes(name)) throw new Error(`has an unknown placeholder {${name}} (allowed: {tenant}, {project}, {environment})`);
    if (seen.has(name)) throw new Error(`uses {${name}} more than once`);
    seen.add(name);
    parts.push({ literal: source.slice(last, match.index) }, { placeholder: name as ScopePlaceholder });
    last = match.index + match[0].length;
  }
  parts.push({ literal: source.slice(last) });
  for (const part of parts) {
    if ('literal' in part && !LITERAL.test(part.literal)) throw new Error('may contain only letters, digits, "_", ".", "-", "/" and placeholders');
  }
  for (const name of required) if (!seen.has(name)) throw new Error(`must contain {${name}}`);
  const skeleton = parts.map((part) => ('literal' in part ? part.literal : 'x')).join('');
  if (skeleton.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error('may not start or end with "/" or have empty, "." or ".." segments');
  }
  return {
    source,
    render(scope, segment) {
      return parts.map((part) => ('literal' in part ? part.literal : segment(scope[part.placeholder], part.placeholder))).join('');
    },
  };
}
