import { checkName, encodePath } from './scope-path.js';

export type UrlPlaceholder = 'path' | 'key';

export interface UrlValues {
  path: string;
  key?: string;
}

/** A checked URL template of mapped mode, e.g. `https://api.example.com/v1/{path}/{key}?v=2`. */
export interface UrlTemplate {
  readonly source: string;
  readonly placeholders: ReadonlySet<UrlPlaceholder>;
  render(values: UrlValues): string;
}

type Part = { literal: string } | { placeholder: UrlPlaceholder; inQuery: boolean };

/**
 * Parses a URL template and refuses every shape in which a substituted value could do more than
 * fill its slot: placeholders may not appear in the scheme or host, and each one must be a whole
 * path segment (`/{key}/`, `/{key}` at the end) or a whole query value (`?name={key}&…`). Values
 * are percent-encoded when rendered (a key's `/`, `?`, `#`, `&` cannot survive), and keys that
 * are `.` or `..` — which URL parsers resolve as path navigation — are refused at render time.
 * Throws an Error naming the problem.
 */
export function parseUrlTemplate(source: string): UrlTemplate {
  if (typeof source !== 'string' || source === '') throw new Error('must be a non-empty string');
  if (source.includes('#')) throw new Error('may not contain a fragment ("#")');
  const authority = /^(https?):\/\/([^/?{}@]+)(?=[/?]|$)/i.exec(source);
  if (!authority) throw new Error('must start with http:// or https:// and a host without placeholders or credentials');
  const queryStart = source.indexOf('?');
  const parts: Part[] = [];
  const placeholders = new Set<UrlPlaceholder>();
  let last = 0;
  for (const match of source.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1]!;
    if (name !== 'path' && name !== 'key') throw new Error(`has an unknown placeholder {${name}} (allowed: {path}, {key})`);
    const start = match.index;
    const end = start + match[0].length;
    const inQuery = queryStart >= 0 && start > queryStart;
    const before = source[start - 1];
    const after = source[end];
    const whole = inQuery ? before === '=' && (after === undefined || after === '&') : before === '/' && (after === undefined || after === '/' || after === '?');
    if (!whole) {
      throw new Error(`must use {${name}} as a whole path segment ("/{${name}}/") or a whole query value ("?name={${name}}"), so a value cannot spill into its neighbours`);
    }
    placeholders.add(name);
    parts.push({ literal: source.slice(last, start) }, { placeholder: name, inQuery });
    last = end;
  }
  parts.push({ literal: source.slice(last) });
  const literalText = parts.map((part) => ('literal' in part ? part.literal : 'x')).join('');
  if (/[{}\s]/.test(literalText)) throw new Error('has a stray "{", "}" or whitespace');
  let probe: URL;
  try {
    probe = new URL(literalText);
  } catch {
    throw new Error('is not a valid URL once its placeholders are filled in');
  }
  let origin: URL;
  try {
    origin = new URL(`${authority[1]!}://${authority[2]!}`);
  } catch {
    throw new Error('has an invalid host');
  }
  if (probe.host !== origin.host || origin.username !== '' || origin.password !== '') {
    throw new Error('has a host that does not survive URL parsing unchanged');
  }
  return {
    source,
    placeholders,
    render(values) {
      return parts
        .map((part) => {
          if ('literal' in part) return part.literal;
          if (part.placeholder === 'path') return part.inQuery ? encodeURIComponent(values.path) : encodePath(values.path);
          if (values.key === undefined) throw new Error('URL template needs a key');
          return encodeURIComponent(checkName(values.key, 'key'));
        })
        .join('');
    },
  };
}
