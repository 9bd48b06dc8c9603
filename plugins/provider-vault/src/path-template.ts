import { InvalidInputError, parseScopeTemplate, type SecretRef, type SecretScope } from '@keygate/core';

/** A parsed `pathTemplate`: renders a scope to the path of its folder under the KV mount. */
export interface PathTemplate {
  readonly source: string;
  render(scope: SecretScope): string;
}

/**
 * Parses and checks a template such as `{tenant}/{project}/{environment}`: every placeholder must
 * appear exactly once (so two scopes never share a folder). Throws an Error naming the problem.
 */
export function parsePathTemplate(source: string): PathTemplate {
  const template = parseScopeTemplate(source);
  return { source, render: (scope) => template.render(scope, encodeSegment) };
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
