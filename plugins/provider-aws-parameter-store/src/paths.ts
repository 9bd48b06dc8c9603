import { InvalidInputError, type SecretRef, type SecretScope } from '@keygate/core';

/** Characters SSM allows in a parameter name (besides the "/" separator). */
const SEGMENT_CHARS = /^[A-Za-z0-9_.-]+$/;
/** A slug or key: what SSM allows in one path segment ("/" excluded, the layout relies on it). */
const PART_PATTERN = /^[A-Za-z0-9_.-]+$/;
/**
 * SSM limits a parameter name, counted with the ARN around it, to 1011 characters; keeping the
 * name itself to 900 leaves room for the longest ARN prefix.
 */
export const MAX_NAME_LENGTH = 900;
/** SSM allows at most 15 hierarchy levels. */
export const MAX_DEPTH = 15;

const PLACEHOLDERS = ['tenant', 'project', 'environment'] as const;

/** A parsed path template: the scope's path; each key is stored at `{path}/{key}`. */
export interface PathTemplate {
  readonly source: string;
  /** The literal leading segments before the first placeholder, e.g. `/keygate` (may be `/`). */
  readonly staticPrefix: string;
  path(scope: SecretScope): string;
  name(ref: SecretRef): string;
}

/**
 * Parses and checks a template. It must start with "/", must not end with "/", and each of
 * {tenant}, {project} and {environment} must appear once and fill a whole path segment: slugs and
 * keys hold no "/", so a scope's parameters are exactly the direct children of its path — a
 * non-recursive listing never mixes two scopes.
 */
export function parsePathTemplate(source: string): PathTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  if (!source.startsWith('/')) throw new Error('must start with "/"');
  if (source.endsWith('/')) throw new Error('must not end with "/" (keys are added as "{path}/{key}")');
  const segments = source.slice(1).split('/');
  if (segments.length + 1 > MAX_DEPTH) throw new Error(`must have fewer than ${MAX_DEPTH} levels (SSM allows ${MAX_DEPTH} including the key)`);
  const seen = new Set<string>();
  for (const segment of segments) {
    if (segment === '') throw new Error('must not contain empty segments ("//")');
    const placeholder = /^\{([a-z]+)\}$/.exec(segment)?.[1];
    if (placeholder !== undefined) {
      if (!(PLACEHOLDERS as readonly string[]).includes(placeholder)) throw new Error(`unknown placeholder {${placeholder}} (allowed: {tenant}, {project}, {environment})`);
      if (seen.has(placeholder)) throw new Error(`must contain {${placeholder}} only once`);
      seen.add(placeholder);
      continue;
    }
    if (segment.includes('{') || segment.includes('}')) throw new Error('a placeholder must fill a whole path segment (e.g. "/{tenant}/")');
    if (!SEGMENT_CHARS.test(segment)) throw new Error('literal segments may only use A-Za-z0-9 and _.-');
  }
  for (const placeholder of PLACEHOLDERS) if (!seen.has(placeholder)) throw new Error(`must contain {${placeholder}}`);
  // SSM reserves names whose first segment starts with "aws" or "ssm" (case-insensitive).
  if (/^(aws|ssm)/i.test(segments[0]!)) throw new Error('the first segment must not start with "aws" or "ssm" (reserved by SSM)');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (segment.startsWith('{')) break;
    fixed.push(segment);
  }
  const staticPrefix = `/${fixed.join('/')}`;

  const path = (scope: SecretScope): string => {
    checkPart(scope.tenant, 'tenant');
    checkPart(scope.project, 'project');
    checkPart(scope.environment, 'environment');
    return source.replace(/\{(tenant|project|environment)\}/g, (_, name: 'tenant' | 'project' | 'environment') => scope[name]);
  };
  return {
    source,
    staticPrefix,
    path,
    name(ref) {
      checkPart(ref.key, 'key');
      const name = `${path(ref)}/${ref.key}`;
      if (name.length > MAX_NAME_LENGTH) throw new InvalidInputError(`the SSM parameter name for key "${ref.key}" would exceed ${MAX_NAME_LENGTH} characters`);
      return name;
    },
  };
}

function checkPart(value: unknown, what: string): void {
  if (typeof value !== 'string' || !PART_PATTERN.test(value)) {
    throw new InvalidInputError(`${what} must be a non-empty string of A-Za-z0-9 and _.- (SSM parameter name characters, no "/")`);
  }
}

/** The key of a listed parameter name, or undefined when it is not a direct child of `path`. */
export function keyOf(name: string, path: string): string | undefined {
  const prefix = `${path}/`;
  if (!name.startsWith(prefix)) return undefined;
  const key = name.slice(prefix.length);
  return key !== '' && PART_PATTERN.test(key) ? key : undefined;
}
