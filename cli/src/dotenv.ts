import { UsageError } from './errors.js';

/**
 * Reads a .env file for `keygate secrets push`, the inverse of `keygate pull`'s env (and shell)
 * output:
 * - blank lines and `#` comments are skipped; an `export ` prefix is allowed;
 * - `KEY=value`: the value runs to the end of the line, or to a ` #` comment, and is trimmed;
 *   further `=` belong to the value;
 * - `"…"`: `\n`, `\r`, `\t`, `\"`, `\\` and `\$` are unescaped and the value may span lines;
 * - `'…'`: taken literally and may span lines; `'\''` (as the shell output writes a `'`) works.
 * A later duplicate key wins, as in every dotenv reader. Errors name the line, never a value.
 */
export function parseDotenv(text: string, file: string): Map<string, string> {
  const result = new Map<string, string>();
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  const fail = (message: string, at = line): never => {
    throw new UsageError(`${file}:${at}: ${message}`, 'lines are KEY=value, KEY="value" or KEY=\'value\'; # starts a comment');
  };

  while (i < source.length) {
    const end = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    const raw = source.slice(i, end);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    const startLine = line;
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*/.exec(raw);
    if (!match) fail(/^\s*(?:export\s+)?[^=]*$/.test(raw) ? 'expected KEY=value' : 'invalid key (letters, digits, "_", "." and "-", not starting with a digit)');
    const key = match![1]!;
    let at = i + match![0].length;
    const quote = source[at];

    if (quote === '"' || quote === "'") {
      let value = '';
      at++;
      for (;;) {
        if (at >= source.length) fail(`unterminated ${quote === '"' ? 'double' : 'single'} quote`, startLine);
        const char = source[at]!;
        if (char === quote) {
          // The shell's '\'' splice: close, escaped quote, reopen.
          if (quote === "'" && source.startsWith("\\''", at + 1)) {
            value += "'";
            at += 4;
            continue;
          }
          at++;
          break;
        }
        if (char === '\n') line++;
        if (quote === '"' && char === '\\' && at + 1 < source.length) {
          const next = source[at + 1]!;
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };
          value += escapes[next] ?? `\\${next}`;
          at += 2;
          continue;
        }
        value += char;
        at++;
      }
      const lineEnd = source.indexOf('\n', at) === -1 ? source.length : source.indexOf('\n', at);
      const rest = source.slice(at, lineEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) fail('unexpected text after the closing quote', line);
      result.set(key, value);
      i = lineEnd + 1;
      line++;
      continue;
    }

    const value = source.slice(at, end).replace(/\s+#.*$/, '').trim();
    result.set(key, value);
    i = end + 1;
    line++;
  }
  return result;
}
