import { InvalidInputError, type SecretRef, type SecretScope } from '@keygate/core';

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

type Part = { literal: string } | { placeholder: Placeholder };

/** A parsed `pathTemplate`: renders a scope to the path of its folder under the KV mount. */
export interface PathTemplate {
  readonly source: string;
  render(scope: SecretScope): string;
}

const LITERAL = /^[A-Za-z0-9_.\-/]*$/;

/**
 * Parses and checks a template such as `{tenant}/{project}/{environment}`. Each placeholder must
 * appear exactly once (so two scopes never share a folder), only known placeholders are allowed,
 * and segments may not be empty, `.` or `..`. Throws an Error naming the problem.
 */
export function parsePathTemplate(source: string): PathTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  const parts: Part[] = [];
  const seen = new Set<string>();
  const pattern = /\{([^{}]*)\}/g;
  let last = 0;
  for (const match of source.matchAll(pattern)) {
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
  for (const name of PLACEHOLDERS) if (!seen.has(name)) throw new Error(`must contain {${name}}`);
  const skeleton = parts.map((part) => ('literal' in part ? part.literal : 'x')).join('');
  if (skeleton.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error('may not start or end with "/" or have empty, "." or ".." segments');
  }
  return {
    source,
    render(scope) {
      return parts.map((part) => ('literal' in part ? part.literal : encodeSegment(scope[part.placeholder], part.placeholder))).join('');
    },
  };
}

/** One path segment (a slug or a key), percent-encoded; `.`, `..`, empty and `/` are refused. */
export function encodeSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new InvalidInputError(`Vault provider: ${what} must be a non-empty name without "/" and not "." or ".."`);
  }
  return encodeURIComponent(value);
}

/** Where things live for one provider session: `{mount}/data|metadata/{template}/{key}`. */
export class VaultLayout {
  constructor(
    readonly mount: string,
    readonly template: PathTemplate,
  ) {}

  folder(scope: SecretScope): string {
    return this.template.render(scope);
  }

  listPath(scope: SecretScope): string {
    return `${this.mount}/metadata/${this.folder(scope)}`;
  }

  dataPath(ref: SecretRef, version?: string): string {
    const path = `${this.mount}/data/${this.folder(ref)}/${encodeSegment(ref.key, 'key')}`;
    return version === undefined ? path : `${path}?version=${version}`;
  }

  metadataPath(ref: SecretRef): string {
    return `${this.mount}/metadata/${this.folder(ref)}/${encodeSegment(ref.key, 'key')}`;
  }
}
