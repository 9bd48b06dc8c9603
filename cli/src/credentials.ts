import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { writePrivateFile } from './files.js';

/**
 * What `keygate login` remembers: one login, for one gateway URL. It is used only when the
 * resolved URL is that same URL, so a stored credential never travels to another server.
 */
export type StoredLogin =
  | { kind: 'api-key'; url: string; apiKey: string; savedAt: string }
  | {
      kind: 'user';
      url: string;
      email: string;
      accessToken: string;
      refreshToken: string;
      /** When the access token expires; the refresh token outlives it. */
      expiresAt: string;
      tenantSlug?: string;
      savedAt: string;
    };

type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CONFIG_HOME/keygate`, else `~/.config/keygate`. */
export function configDir(env: Env): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  if (xdg) return join(xdg, 'keygate');
  return join(env.HOME?.trim() || homedir(), '.config', 'keygate');
}

export function credentialsPath(env: Env): string {
  return join(configDir(env), 'credentials.json');
}

export async function readLogin(env: Env): Promise<StoredLogin | undefined> {
  const path = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, 'fix its permissions, or remove it with "keygate logout"');
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (isStoredLogin(parsed)) return parsed;
  } catch {
    // Reported below, without echoing the file: it holds credentials.
  }
  throw new CliError(`${path} is not a Keygate credentials file`, 'remove it with "keygate logout", then log in again');
}

export async function saveLogin(env: Env, login: StoredLogin): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; credentials must not sit in a readable one.
  if (((await stat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700);
  const path = credentialsPath(env);
  await writePrivateFile(path, `${JSON.stringify(login, null, 2)}\n`);
  return path;
}

export async function removeLogin(env: Env): Promise<void> {
  await rm(credentialsPath(env), { force: true });
}

function isStoredLogin(value: unknown): value is StoredLogin {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const strings = (...names: string[]) => names.every((name) => typeof record[name] === 'string');
  if (record.kind === 'api-key') return strings('url', 'apiKey');
  if (record.kind === 'user') return strings('url', 'email', 'accessToken', 'refreshToken', 'expiresAt');
  return false;
}

/** URLs compare as the user would: `http://h:8080/` and `http://h:8080` are one gateway. */
export function sameUrl(a: string, b: string): boolean {
  const normal = (url: string): string => {
    try {
      return new URL(url).href.replace(/\/+$/, '');
    } catch {
      return url.replace(/\/+$/, '');
    }
  };
  return normal(a) === normal(b);
}
