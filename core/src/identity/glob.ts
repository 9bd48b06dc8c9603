/**
 * Trust-domain glob patterns. A pattern matches the whole claim value, case-sensitively:
 *
 * - `*` matches any run of characters, possibly empty, that contains no `/`;
 * - `**` matches any run of characters, possibly empty, including `/`;
 * - `?` matches exactly one character other than `/`;
 * - `\` makes the next character literal (`\*` is a star, `\\` a backslash);
 * - every other character, including `[`, `{` and `.`, matches only itself.
 *
 * So `refs/heads/*` matches `refs/heads/main` but not `refs/heads/team/x`, while `refs/heads/**`
 * matches both. A trailing lone `\` is an error.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new TypeError('a glob pattern cannot end with an unescaped "\\"');
      source += escapeRegExp(next);
      i++;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '[\\s\\S]*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/** The characters a pattern matches literally before its first wildcard. */
export function globLiteralPrefix(pattern: string): string {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' || char === '?') return prefix;
    if (char === '\\') {
      i++;
      prefix += pattern[i] ?? '';
    } else {
      prefix += char;
    }
  }
  return prefix;
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(char) ? `\\${char}` : char;
}
