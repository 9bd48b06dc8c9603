/**
 * JSON Pointers (RFC 6901) saying where mapped mode finds things in a response, e.g.
 * `/data/value`, `/values/{key}`. A reference token that is exactly `{key}` is replaced by the
 * secret's key at run time, as a token: no escaping to get wrong, no way to reach another member.
 */
export interface JsonPointer {
  readonly source: string;
  readonly usesKey: boolean;
  resolve(document: unknown, key?: string): { found: true; value: unknown } | { found: false };
}

type Token = { literal: string } | { key: true };

export function parseJsonPointer(source: string): JsonPointer {
  if (typeof source !== 'string') throw new Error('must be a string');
  if (source !== '' && !source.startsWith('/')) throw new Error('must be empty (the whole document) or start with "/"');
  const tokens: Token[] =
    source === ''
      ? []
      : source
          .slice(1)
          .split('/')
          .map((raw) => {
            if (raw === '{key}') return { key: true as const };
            if (/~(?![01])/.test(raw)) throw new Error('has a "~" not followed by 0 or 1');
            return { literal: raw.replaceAll('~1', '/').replaceAll('~0', '~') };
          });
  return {
    source,
    usesKey: tokens.some((token) => 'key' in token),
    resolve(document, key) {
      let current: unknown = document;
      for (const token of tokens) {
        const name = 'key' in token ? key : token.literal;
        if (name === undefined) return { found: false };
        if (Array.isArray(current)) {
          if (!/^(0|[1-9]\d*)$/.test(name) || Number(name) >= current.length) return { found: false };
          current = current[Number(name)];
        } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, name)) {
          current = (current as Record<string, unknown>)[name];
        } else {
          return { found: false };
        }
      }
      return { found: true, value: current };
    },
  };
}
