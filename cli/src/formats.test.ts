import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { formatForPath, nest, quoteEnv, quoteShell, render, toEnvironmentVariables, yamlString } from './formats.js';

/** Values that break naive quoting, each with a key that is also a valid shell name. */
const TRICKY: Record<string, string> = {
  PLAIN: 'abc123',
  URL: 'postgres://app:p%40ss@db:5432/prod?sslmode=require',
  EMPTY: '',
  SPACES: '  leading and trailing  ',
  DOUBLE: 'say "hi"',
  SINGLE: "it's",
  BOTH: `"'"'`,
  NEWLINES: 'line1\nline2\r\nline3\n',
  DOLLAR: '$HOME ${PATH} $(whoami) `id`',
  BACKSLASH: 'C:\\temp\\new \\n not a newline \\',
  HASH: '# not a comment',
  UNICODE: 'päss wörd ✓ 密码 🔑',
  EQUALS: 'a=b==',
  TAB: 'a\tb',
  JSONISH: '{"k": [1, 2]}',
  STARS: '*',
};

/**
 * A reader of the dotenv dialect `keygate pull` writes (that of docker compose, godotenv, Ruby
 * dotenv): bare values, or double quotes with \\ \" \n \r \$ escapes. Kept deliberately small; it
 * exists to prove the output reads back exactly.
 */
function readDotenv(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`bad line: ${line}`);
    const [, name, raw] = match as unknown as [string, string, string];
    if (!raw.startsWith('"')) {
      result[name] = raw;
      continue;
    }
    expect(raw.endsWith('"') && raw.length >= 2).toBe(true);
    const body = raw.slice(1, -1);
    // An unescaped quote inside would end the value early in every reader.
    expect(body.replace(/\\./g, '')).not.toContain('"');
    result[name] = body.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char === 'r' ? '\r' : char));
  }
  return result;
}

const noWarnings = (message: string): never => {
  throw new Error(`unexpected warning: ${message}`);
};

describe('env format', () => {
  it('leaves plain values bare and quotes everything else', () => {
    expect(quoteEnv('abc123')).toBe('abc123');
    expect(quoteEnv('postgres://u@h:5432/db')).toBe('postgres://u@h:5432/db');
    expect(quoteEnv('')).toBe('""');
    expect(quoteEnv('a b')).toBe('"a b"');
    expect(quoteEnv('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteEnv('a\nb')).toBe('"a\\nb"');
    expect(quoteEnv('a\r\nb')).toBe('"a\\r\\nb"');
    expect(quoteEnv('C:\\dir')).toBe('"C:\\\\dir"');
    expect(quoteEnv('$HOME')).toBe('"\\$HOME"');
    expect(quoteEnv("it's")).toBe('"it\'s"');
    expect(quoteEnv('#x')).toBe('"#x"');
    expect(quoteEnv('🔑')).toBe('"🔑"');
  });

  it('puts every value on one line and reads back exactly', () => {
    const text = render('env', TRICKY, noWarnings);
    expect(text.split('\n')).toHaveLength(Object.keys(TRICKY).length + 1);
    expect(readDotenv(text)).toEqual(TRICKY);
  });

  it('writes keys in a stable order, one line each', () => {
    expect(render('env', { B: '2', A: '1', a: '3' }, noWarnings)).toBe('A=1\nB=2\na=3\n');
    expect(render('env', {}, noWarnings)).toBe('');
  });
});

describe('shell format', () => {
  it('single-quotes every value and escapes single quotes', () => {
    expect(quoteShell('abc')).toBe("'abc'");
    expect(quoteShell('')).toBe("''");
    expect(quoteShell("it's")).toBe("'it'\\''s'");
    expect(quoteShell('$HOME `id` "x" \\n')).toBe("'$HOME `id` \"x\" \\n'");
    expect(render('shell', { A: 'x y' }, noWarnings)).toBe("export A='x y'\n");
  });

  it.each([
    ['bash', ['--norc', '--noprofile']],
    ['sh', []],
  ])('survives being sourced by %s with every value intact', (shell, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-cli-shell-'));
    try {
      const file = join(dir, 'secrets.sh');
      writeFileSync(file, render('shell', TRICKY, noWarnings));
      // Print each variable NUL-terminated so that newlines inside values survive the trip.
      const names = Object.keys(TRICKY).sort();
      const script = `. "${file}"; for n in ${names.join(' ')}; do eval "printf '%s\\0' \\"\\$$n\\""; done`;
      const out = execFileSync(shell, [...flags, '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      const values = out.split('\0').slice(0, -1);
      expect(Object.fromEntries(names.map((name, i) => [name, values[i]]))).toEqual(TRICKY);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('environment variable names', () => {
  it('turns "." and "-" into "_" for env, shell and run', () => {
    const warnings: string[] = [];
    const vars = toEnvironmentVariables({ 'db.host': 'h', 'api-key': 'k', PLAIN: 'p' }, (m) => warnings.push(m));
    expect(Object.fromEntries(vars)).toEqual({ db_host: 'h', api_key: 'k', PLAIN: 'p' });
    expect(warnings).toEqual([]);
    expect(render('env', { 'db.host': 'h' }, noWarnings)).toBe('db_host=h\n');
  });

  it('lets the key that needed no change win a collision, and says so', () => {
    const warnings: string[] = [];
    const vars = toEnvironmentVariables({ 'DB.URL': 'converted', DB_URL: 'exact', 'DB-URL': 'also converted' }, (m) => warnings.push(m));
    expect(Object.fromEntries(vars)).toEqual({ DB_URL: 'exact' });
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/using DB_URL/);
  });

  it('skips a value with a NUL byte, which no environment variable can hold', () => {
    const warnings: string[] = [];
    expect(Object.fromEntries(toEnvironmentVariables({ A: 'a\0b', B: 'b' }, (m) => warnings.push(m)))).toEqual({ B: 'b' });
    expect(warnings[0]).toMatch(/A: its value contains a NUL byte/);
  });

  it('keeps the original keys in JSON and YAML', () => {
    expect(JSON.parse(render('json', { 'db.host': 'h' }, noWarnings))).toEqual({ 'db.host': 'h' });
    expect(render('yaml', { 'db.host': 'h' }, noWarnings)).toBe('db.host: "h"\n');
  });
});

describe('json format', () => {
  it('round-trips every value and sorts the keys', () => {
    const text = render('json', TRICKY, noWarnings);
    expect(JSON.parse(text)).toEqual(TRICKY);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(TRICKY).sort());
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('keeps a key named __proto__ as data', () => {
    const secrets = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    const parsed = JSON.parse(render('json', secrets, noWarnings)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
  });
});

describe('json-nested format', () => {
  it('splits keys on "__" and "."', () => {
    expect(nest({ DB__HOST: 'h', DB__PORT: '5432', 'api.stripe.key': 'sk', TOP: 't' })).toEqual({
      DB: { HOST: 'h', PORT: '5432' },
      api: { stripe: { key: 'sk' } },
      TOP: 't',
    });
  });

  it('mixes both separators and ignores empty segments', () => {
    expect(nest({ 'A__b.C': '1', 'A.b__D': '2', 'X..Y': '3' })).toEqual({ A: { b: { C: '1', D: '2' } }, X: { Y: '3' } });
  });

  it('keeps values exact', () => {
    const nested = JSON.parse(render('json-nested', { 'a.b': TRICKY.NEWLINES!, 'a.c': TRICKY.UNICODE! }, noWarnings)) as unknown;
    expect(nested).toEqual({ a: { b: TRICKY.NEWLINES, c: TRICKY.UNICODE } });
  });

  it('refuses a key that is both a value and a group', () => {
    expect(() => nest({ A: '1', 'A.B': '2' })).toThrow(CliError);
    expect(() => nest({ A__B: '1', 'A.B': '2' })).toThrow(/cannot nest/);
  });

  it('does not let a segment named constructor reach a prototype', () => {
    const nested = nest({ 'constructor.name': 'x', 'toString.y': 'z' });
    expect(JSON.parse(JSON.stringify(nested))).toEqual({ constructor: { name: 'x' }, toString: { y: 'z' } });
  });
});

describe('yaml format', () => {
  /**
   * Every value is written as a double-quoted scalar whose escapes are a subset of JSON's, and
   * YAML 1.2 reads such a scalar exactly as JSON does: JSON.parse is a faithful reader here.
   */
  function readYaml(text: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const match = /^("(?:[^"\\]|\\.)*"|[^:]+): ("(?:[^"\\]|\\.)*")$/.exec(line);
      if (!match) throw new Error(`bad line: ${line}`);
      const key = match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : match[1]!;
      result[key] = JSON.parse(match[2]!) as string;
    }
    return result;
  }

  it('writes one double-quoted value per line and reads back exactly', () => {
    const text = render('yaml', TRICKY, noWarnings);
    expect(text.split('\n')).toHaveLength(Object.keys(TRICKY).length + 1);
    expect(readYaml(text)).toEqual(TRICKY);
  });

  it('keeps YAML 1.1 booleans, nulls and numbers as strings', () => {
    const secrets = { A: 'yes', B: 'no', C: 'null', D: '0123', E: '1e3', F: '~', G: 'true' };
    const text = render('yaml', secrets, noWarnings);
    expect(text).toContain('A: "yes"\n');
    expect(text).toContain('D: "0123"\n');
    expect(readYaml(text)).toEqual(secrets);
  });

  it('quotes keys YAML would read as booleans or null', () => {
    expect(render('yaml', { yes: '1', On: '2', NULL: '3', normal: '4' }, noWarnings)).toBe('"NULL": "3"\n"On": "2"\nnormal: "4"\n"yes": "1"\n');
  });

  it('escapes the characters YAML treats as line breaks or forbids raw', () => {
    expect(yamlString('a\u2028b\u2029c\u0085d\u007fe')).toBe('"a\\u2028b\\u2029c\\u0085d\\u007fe"');
    expect(yamlString('tab\there "q" \\')).toBe('"tab\\there \\"q\\" \\\\"');
  });

  it('writes {} for an environment without secrets', () => {
    expect(render('yaml', {}, noWarnings)).toBe('{}\n');
    expect(render('json', {}, noWarnings)).toBe('{}\n');
  });
});

describe('formatForPath', () => {
  it.each([
    ['.env', 'env'],
    ['config/.env.local', 'env'],
    ['prod.env', 'env'],
    ['secrets.json', 'json'],
    ['SECRETS.JSON', 'json'],
    ['app.yaml', 'yaml'],
    ['app.yml', 'yaml'],
    ['load.sh', 'shell'],
    ['secrets.txt', 'env'],
  ])('%s → %s', (path, format) => {
    expect(formatForPath(path)).toBe(format);
  });
});
