import { basename, extname } from 'node:path';
import { CliError } from './errors.js';

/**
 * How `keygate pull` writes secrets. Every format lists keys in a stable (code point) order so that
 * two pulls of the same secrets give identical files and diffs stay quiet.
 */
export const FORMATS = ['env', 'json', 'json-nested', 'yaml', 'shell'] as const;
export type Format = (typeof FORMATS)[number];

export type Secrets = Readonly<Record<string, string>>;
export type Warn = (message: string) => void;

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** `.json` → json, `.yaml`/`.yml` → yaml, `.sh` → shell; everything else (`.env`, `.env.local`, …) → env. */
export function formatForPath(path: string): Format {
  const extension = extname(basename(path)).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.sh') return 'shell';
  return 'env';
}

export function render(format: Format, secrets: Secrets, warn: Warn): string {
  switch (format) {
    case 'env':
      return lines(toEnvironmentVariables(secrets, warn), (name, value) => `${name}=${quoteEnv(value)}`);
    case 'shell':
      return lines(toEnvironmentVariables(secrets, warn), (name, value) => `export ${name}=${quoteShell(value)}`);
    case 'json':
      return `${JSON.stringify(Object.fromEntries(sortedEntries(secrets)), null, 2)}\n`;
    case 'json-nested':
      return `${JSON.stringify(nest(secrets), null, 2)}\n`;
    case 'yaml':
      return renderYaml(secrets);
  }
}

function lines(entries: ReadonlyMap<string, string>, line: (name: string, value: string) => string): string {
  return [...entries].map(([name, value]) => `${line(name, value)}\n`).join('');
}

function sortedEntries(secrets: Secrets): Array<[string, string]> {
  return Object.entries(secrets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Secret keys may contain `.` and `-`, which shells cannot name; as openapi.yaml promises, they
 * become `_` in environment variables. When two keys land on the same name (`db.url`, `db_url`),
 * the key that needed no change wins, and the user is told, rather than one silently vanishing.
 * A value with a NUL byte cannot be an environment variable at all and is skipped with a warning.
 */
export function toEnvironmentVariables(secrets: Secrets, warn: Warn): Map<string, string> {
  const result = new Map<string, string>();
  const origin = new Map<string, string>();
  for (const [key, value] of sortedEntries(secrets)) {
    if (value.includes('\0')) {
      warn(`skipped ${key}: its value contains a NUL byte, which environment variables cannot hold`);
      continue;
    }
    const name = key.replace(/[.-]/g, '_');
    const earlier = origin.get(name);
    if (earlier !== undefined) {
      const [winner, loser] = key === name ? [key, earlier] : [earlier, key];
      warn(`${loser} and ${winner} are both ${name} as an environment variable; using ${winner}`);
      if (key !== name) continue;
    }
    result.set(name, value);
    origin.set(name, key);
  }
  return result;
}

const ENV_BARE = /^[A-Za-z0-9_./:@%+,-]+$/;

/**
 * dotenv quoting. Plain values stay bare; anything else is double-quoted, escaping `\`, `"`,
 * newline, carriage return and `$` (`\$`, so that interpolating readers such as docker compose,
 * godotenv, Ruby dotenv and dotenv-expand keep a literal dollar sign).
 */
export function quoteEnv(value: string): string {
  if (ENV_BARE.test(value)) return value;
  const escaped = value.replace(/[\\"$\n\r]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    return `\\${char}`;
  });
  return `"${escaped}"`;
}

/** POSIX shell: single quotes make everything literal; a `'` is closed, escaped and reopened. */
export function quoteShell(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * `DB__HOST` and `db.host` both become `{DB: {HOST: …}}`-style nesting. A key that is a value in
 * one place and a group in another (`A` and `A.B`) cannot be nested; that is refused rather than
 * dropping one of them.
 */
export function nest(secrets: Secrets): Record<string, unknown> {
  interface Group {
    values: Map<string, string | Group>;
  }
  const root: Group = { values: new Map() };
  for (const [key, value] of sortedEntries(secrets)) {
    const path = key.split(/__|\./).filter((segment) => segment !== '');
    let group = root;
    path.forEach((segment, index) => {
      const existing = group.values.get(segment);
      const last = index === path.length - 1;
      if (last) {
        if (existing !== undefined) throw nestingConflict(key);
        group.values.set(segment, value);
        return;
      }
      if (typeof existing === 'string') throw nestingConflict(key);
      const next = existing ?? { values: new Map() };
      group.values.set(segment, next);
      group = next;
    });
  }
  // Object.fromEntries defines own properties, so a segment such as `constructor` or `__proto__`
  // stays plain data.
  const toObject = (group: Group): Record<string, unknown> =>
    Object.fromEntries([...group.values].map(([name, value]) => [name, typeof value === 'string' ? value : toObject(value)]));
  return toObject(root);
}

function nestingConflict(key: string): CliError {
  return new CliError(`cannot nest ${key}: another key already uses that path for a value or a group`, 'use --format json to keep the keys flat');
}

// Words YAML 1.1 readers (still common) turn into booleans or null when unquoted.
const YAML_RESERVED = /^(?:y|yes|n|no|true|false|on|off|null)$/i;

/**
 * A flat YAML mapping. Every value is a double-quoted scalar, so `yes`, `0123` or `null` stay
 * strings. A JSON string literal is a valid YAML double-quoted scalar, except that YAML also treats
 * NEL, LS and PS as line breaks and forbids some code points raw: those are escaped as `\uXXXX`.
 */
function renderYaml(secrets: Secrets): string {
  const entries = sortedEntries(secrets);
  if (entries.length === 0) return '{}\n';
  return entries.map(([key, value]) => `${yamlKey(key)}: ${yamlString(value)}\n`).join('');
}

function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !YAML_RESERVED.test(key) ? key : yamlString(key);
}

export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The file name `keygate pull` reports and `-o` defaults to. */
export const DEFAULT_OUTPUT = '.env';
