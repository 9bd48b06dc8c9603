import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Where the CLI talks to and about what (DESIGN §5, "CLI context"). Each setting is resolved on its
 * own, first match wins:
 *
 * | setting     | flag            | environment                                        | context file            |
 * |-------------|-----------------|----------------------------------------------------|-------------------------|
 * | URL         | `--url`         | `KEYGATE_URL`, `BELLA_BAXTER_URL`                  | —                       |
 * | API key     | `--api-key`     | `KEYGATE_API_KEY`, `BELLA_BAXTER_API_KEY`          | —                       |
 * | project     | `-p/--project`  | `KEYGATE_PROJECT`, `BELLA_BAXTER_PROJECT`          | `project`               |
 * | environment | `-e/--env`      | `KEYGATE_ENV`, `BELLA_BAXTER_ENV`                  | `environment` / `env`   |
 * | org         | —               | —                                                  | `org`                   |
 *
 * The context file is the nearest `.keygate` or `.bella` walking up from the working directory;
 * within one directory `.keygate` wins. Keys are deliberately not read from it: such files get
 * committed.
 */

export const DEFAULT_URL = 'http://localhost:8080';

/** Looked for in this order in each directory. */
export const CONTEXT_FILE_NAMES = ['.keygate', '.bella'] as const;

/** A resolved value and where it came from (`--project`, `KEYGATE_ENV`, a file path, `default`). */
export interface Sourced {
  readonly value: string;
  readonly source: string;
}

export interface KeygateContext {
  readonly url: Sourced;
  readonly apiKey: Sourced | undefined;
  readonly project: Sourced | undefined;
  readonly environment: Sourced | undefined;
  readonly org: Sourced | undefined;
  /** The context file found walking up, if any. */
  readonly file: string | undefined;
}

export interface ContextFlags {
  url?: string | undefined;
  apiKey?: string | undefined;
  project?: string | undefined;
  environment?: string | undefined;
}

export interface ContextFileValues {
  project?: string;
  environment?: string;
  org?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export async function resolveContext(flags: ContextFlags, env: Env, cwd: string): Promise<KeygateContext> {
  const file = await findContextFile(cwd);
  const fromFile = file === undefined ? {} : parseContextFile(await readContextFile(file), file);
  const inFile = (value: string | undefined): Sourced | undefined => (value === undefined || file === undefined ? undefined : { value, source: file });

  return {
    url: first(flag('--url', flags.url), envVar(env, 'KEYGATE_URL'), envVar(env, 'BELLA_BAXTER_URL')) ?? { value: DEFAULT_URL, source: 'default' },
    apiKey: first(flag('--api-key', flags.apiKey), envVar(env, 'KEYGATE_API_KEY'), envVar(env, 'BELLA_BAXTER_API_KEY')),
    project: first(flag('--project', flags.project), envVar(env, 'KEYGATE_PROJECT'), envVar(env, 'BELLA_BAXTER_PROJECT'), inFile(fromFile.project)),
    environment: first(flag('--env', flags.environment), envVar(env, 'KEYGATE_ENV'), envVar(env, 'BELLA_BAXTER_ENV'), inFile(fromFile.environment)),
    org: inFile(fromFile.org),
    file,
  };
}

function first(...candidates: Array<Sourced | undefined>): Sourced | undefined {
  return candidates.find((candidate) => candidate !== undefined);
}

function flag(name: string, value: string | undefined): Sourced | undefined {
  if (value === undefined) return undefined;
  // `-p "$PROJECT"` with PROJECT unset must not silently fall back to another project.
  if (value.trim() === '') throw new UsageError(`${name} must not be empty`, `pass a value or leave ${name} out`);
  return { value: value.trim(), source: name };
}

function envVar(env: Env, name: string): Sourced | undefined {
  // CI systems often define variables as empty rather than not at all: empty means unset.
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : { value, source: name };
}

/** The nearest `.keygate` or `.bella` regular file from `start` up to the filesystem root. */
export async function findContextFile(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONTEXT_FILE_NAMES) {
      const candidate = join(dir, name);
      // The host keeps its data in a `.keygate/` *directory*; that is not a context file.
      if (await isFile(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readContextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot read ${path}: ${reason}`, 'fix its permissions, or pass -p and -e');
  }
}

const FILE_KEYS: Readonly<Record<string, keyof ContextFileValues>> = {
  project: 'project',
  environment: 'environment',
  env: 'environment',
  org: 'org',
};

/**
 * `key = value` lines; `#` starts a comment (a whole line, or after whitespace); values may be
 * quoted. Unknown keys are ignored so newer files still work with older CLIs; a line that is not
 * `key = value` at all is refused, naming the line, because guessing would pick the wrong target.
 */
export function parseContextFile(text: string, path: string): ContextFileValues {
  const values: ContextFileValues = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const equals = line.indexOf('=');
    if (equals <= 0) {
      throw new UsageError(`${path}:${index + 1}: expected "key = value"`, 'keys are project, environment (or env) and org');
    }
    const key = FILE_KEYS[line.slice(0, equals).trim().toLowerCase()];
    const value = unquote(line.slice(equals + 1).trim());
    if (key !== undefined && value !== '') values[key] = value;
  });
  return values;
}

function unquote(value: string): string {
  const quote = value[0];
  if (value.length >= 2 && (quote === '"' || quote === "'") && value.endsWith(quote)) return value.slice(1, -1).trim();
  return value;
}
