import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Keyring } from '@keygate/core';
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import type { KeygateConfig } from '../config/types.js';

export const MASTER_KEY_FILE = 'master-key.json';
/** Key id of `security.masterKey` and of a generated key. */
export const DEFAULT_KEY_ID = 'k1';

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const KEY_HINT = 'must be the base64 encoding of 32 random bytes (make one with: openssl rand -base64 32)';

interface KeyFile {
  activeKeyId: string;
  keys: Record<string, string>;
}

/**
 * The keyring that encrypts credentials and provider-local values at rest, from (first match):
 * `security.masterKeys` + `activeKeyId`; `security.masterKey` (key id `k1`); or
 * `${dataDir}/master-key.json`, generated on first start. The file is fine for one machine; N
 * replicas must share the key through configuration, or each would generate its own.
 *
 * Errors name the key id, never the key.
 */
export async function loadKeyring(config: Pick<KeygateConfig, 'dataDir' | 'security'>): Promise<Keyring> {
  const { masterKey, masterKeys, activeKeyId } = config.security;
  if (masterKeys !== undefined) {
    const ids = Object.keys(masterKeys);
    return buildKeyring({ activeKeyId: activeKeyId ?? ids[0] ?? '', keys: masterKeys }, 'security.masterKeys', 'keygate.yaml');
  }
  if (masterKey !== undefined) {
    const keys = decodeKeys({ [DEFAULT_KEY_ID]: masterKey }, () => 'security.masterKey (or KEYGATE_MASTER_KEY)');
    if (keys.problems.length > 0) throw new ConfigError(keys.problems);
    return new Keyring({ activeKeyId: DEFAULT_KEY_ID, keys: keys.decoded });
  }
  const file = join(config.dataDir, MASTER_KEY_FILE);
  return buildKeyring(await readOrCreateKeyFile(file), 'keys', file);
}

function buildKeyring(source: KeyFile, keysPath: string, origin: string): Keyring {
  const { decoded, problems } = decodeKeys(source.keys, (id) => `${keysPath}.${id}`);
  if (!Object.hasOwn(source.keys, source.activeKeyId)) {
    problems.push({ path: keysPath === 'keys' ? 'activeKeyId' : 'security.activeKeyId', message: `"${source.activeKeyId}" is not one of the keys` });
  }
  if (problems.length > 0) throw new ConfigError(problems, origin);
  return new Keyring({ activeKeyId: source.activeKeyId, keys: decoded });
}

function decodeKeys(keys: Record<string, string>, pathOf: (id: string) => string): { decoded: Record<string, Buffer>; problems: ConfigProblem[] } {
  const decoded: Record<string, Buffer> = {};
  const problems: ConfigProblem[] = [];
  for (const [id, text] of Object.entries(keys)) {
    if (!KEY_ID_PATTERN.test(id)) {
      problems.push({ path: pathOf(id), message: `key id must be 1 to 64 letters, digits, "_" or "-"` });
      continue;
    }
    const trimmed = typeof text === 'string' ? text.trim() : '';
    const key = BASE64.test(trimmed) ? Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64') : undefined;
    if (key?.length !== 32) {
      problems.push({ path: pathOf(id), message: KEY_HINT });
      continue;
    }
    decoded[id] = key;
  }
  return { decoded, problems };
}

async function readOrCreateKeyFile(file: string): Promise<KeyFile> {
  let mode: number | undefined;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (mode === undefined) await createKeyFile(file);
  // The key file guards every credential at rest: only its owner may read it.
  else if ((mode & 0o077) !== 0 && process.platform !== 'win32') await chmod(file, 0o600);

  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new ConfigError([{ path: '', message: 'is not valid JSON; restore it from a backup (values encrypted with it cannot be read without it)' }], file);
  }
  return checkKeyFile(parsed, file);
}

/**
 * Written to a private temporary file first and then hard-linked into place: the link either
 * appears complete or fails because another process (a second replica on the same volume) won
 * the race, in which case its key is used.
 */
async function createKeyFile(file: string): Promise<void> {
  const dataDir = join(file, '..');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const content: KeyFile = { activeKeyId: DEFAULT_KEY_ID, keys: { [DEFAULT_KEY_ID]: Keyring.generateKey().toString('base64') } };
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

function checkKeyFile(parsed: unknown, file: string): KeyFile {
  const problems: ConfigProblem[] = [];
  const candidate = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Record<keyof KeyFile, unknown>>;
  if (typeof candidate.activeKeyId !== 'string') problems.push({ path: 'activeKeyId', message: 'must be a string' });
  const keys = candidate.keys;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) problems.push({ path: 'keys', message: 'must be an object of key id → base64 key' });
  else {
    for (const [id, value] of Object.entries(keys)) if (typeof value !== 'string') problems.push({ path: `keys.${id}`, message: KEY_HINT });
  }
  if (problems.length > 0) throw new ConfigError(problems, file);
  return candidate as KeyFile;
}
