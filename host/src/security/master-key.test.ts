import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@keygate/core';
import { ConfigError } from '../config/config-error.js';
import type { KeygateConfig } from '../config/types.js';
import { loadKeyring } from './master-key.js';

const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');
const posix = process.platform !== 'win32';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keygate-master-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(security: Omit<KeygateConfig['security'], 'authFailures'>, dataDir = join(dir, 'data')): Pick<KeygateConfig, 'dataDir' | 'security'> {
  return { dataDir, security: { ...security, authFailures: { maxPerIp: 30, windowSeconds: 300 } } };
}

async function errorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadKeyring from configuration', () => {
  it('uses security.masterKey as key k1', async () => {
    const keyring = await loadKeyring(config({ masterKey: keyA }));
    expect(keyring.activeKeyId).toBe('k1');
    expect(keyring.keyIds).toEqual(['k1']);
    const other = new Keyring({ activeKeyId: 'k1', keys: { k1: Buffer.from(keyA, 'base64') } });
    expect(other.decrypt(keyring.encrypt('value', 'ctx'), 'ctx')).toBe('value');
  });

  it('accepts base64url keys', async () => {
    const keyring = await loadKeyring(config({ masterKey: Buffer.alloc(32, 255).toString('base64url') }));
    expect(keyring.keyIds).toEqual(['k1']);
  });

  it('uses security.masterKeys with activeKeyId, and can still read values under the older key', async () => {
    const old = await loadKeyring(config({ masterKeys: { old: keyA } }));
    const ciphertext = old.encrypt('kept', 'ctx');
    const rotated = await loadKeyring(config({ masterKeys: { old: keyA, new: keyB }, activeKeyId: 'new' }));
    expect(rotated.activeKeyId).toBe('new');
    expect(rotated.decrypt(ciphertext, 'ctx')).toBe('kept');
    expect(Keyring.keyIdOf(rotated.encrypt('x'))).toBe('new');
  });

  it('creates no key file when keys are configured', async () => {
    await loadKeyring(config({ masterKey: keyA }));
    await expect(stat(join(dir, 'data'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the key id, never the key, when a key is malformed', async () => {
    const short = Buffer.alloc(16, 3).toString('base64');
    const error = await errorOf(loadKeyring(config({ masterKeys: { good: keyA, short, junk: 'not base64 at all!' }, activeKeyId: 'good' })));
    expect(error.message.split('\n')).toEqual([
      'keygate.yaml: security.masterKeys.short: must be the base64 encoding of 32 random bytes (make one with: openssl rand -base64 32)',
      'keygate.yaml: security.masterKeys.junk: must be the base64 encoding of 32 random bytes (make one with: openssl rand -base64 32)',
    ]);
    expect(error.message).not.toContain(short);
    expect(error.message).not.toContain(keyA);
    expect(error.code).toBe('INVALID_CONFIGURATION');
  });

  it('reports a malformed masterKey against the setting and its variable', async () => {
    const error = await errorOf(loadKeyring(config({ masterKey: 'c2VjcmV0' })));
    expect(error.message).toBe(
      'keygate.yaml: security.masterKey (or KEYGATE_MASTER_KEY): must be the base64 encoding of 32 random bytes (make one with: openssl rand -base64 32)',
    );
    expect(error.message).not.toContain('c2VjcmV0');
  });

  it('refuses key ids the keyring cannot store', async () => {
    const error = await errorOf(loadKeyring(config({ masterKeys: { 'bad id': keyA } })));
    expect(error.message).toContain('security.masterKeys.bad id: key id must be 1 to 64 letters, digits, "_" or "-"');
  });
});

describe('loadKeyring from the key file', () => {
  it('generates master-key.json on first start, private, in a private new data folder', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = await loadKeyring(config({}, dataDir));
    const file = join(dataDir, 'master-key.json');
    const content = JSON.parse(await readFile(file, 'utf8')) as { activeKeyId: string; keys: Record<string, string> };
    expect(content.activeKeyId).toBe('k1');
    expect(Buffer.from(content.keys.k1!, 'base64')).toHaveLength(32);
    if (posix) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }

    const second = await loadKeyring(config({}, dataDir));
    expect(second.decrypt(first.encrypt('same key', 'c'), 'c')).toBe('same key');
  });

  it('leaves the permissions of an existing data folder alone', async () => {
    const dataDir = join(dir, 'shared');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await loadKeyring(config({}, dataDir));
    if (posix) expect((await stat(dataDir)).mode & 0o777).toBe(0o755);
  });

  it('tightens a key file that others can read to 0600', async () => {
    const file = join(dir, 'master-key.json');
    await writeFile(file, JSON.stringify({ activeKeyId: 'a', keys: { a: keyA } }), { mode: 0o644 });
    await chmod(file, 0o644);
    const keyring = await loadKeyring(config({}, dir));
    expect(keyring.activeKeyId).toBe('a');
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('agrees on one key when several hosts start at once on the same folder', async () => {
    const keyrings = await Promise.all(Array.from({ length: 8 }, () => loadKeyring(config({}, join(dir, 'race')))));
    const ciphertext = keyrings[0]!.encrypt('shared', 'c');
    for (const keyring of keyrings) expect(keyring.decrypt(ciphertext, 'c')).toBe('shared');
  });

  it('names the file and the key id when the file is damaged, never the key', async () => {
    const file = join(dir, 'master-key.json');
    await writeFile(file, JSON.stringify({ activeKeyId: 'k2', keys: { k1: 'dG9vIHNob3J0' } }), { mode: 0o600 });
    const error = await errorOf(loadKeyring(config({}, dir)));
    expect(error.message.split('\n')).toEqual([
      `${file}: keys.k1: must be the base64 encoding of 32 random bytes (make one with: openssl rand -base64 32)`,
      `${file}: activeKeyId: "k2" is not one of the keys`,
    ]);
    expect(error.message).not.toContain('dG9vIHNob3J0');
  });

  it('refuses a key file that is not JSON, without printing it', async () => {
    const file = join(dir, 'master-key.json');
    await writeFile(file, 'hunter2', { mode: 0o600 });
    const error = await errorOf(loadKeyring(config({}, dir)));
    expect(error.message).toBe(`${file}: is not valid JSON; restore it from a backup (values encrypted with it cannot be read without it)`);
  });

  it('refuses a key file of the wrong shape', async () => {
    await writeFile(join(dir, 'master-key.json'), JSON.stringify({ keys: [] }), { mode: 0o600 });
    const error = await errorOf(loadKeyring(config({}, dir)));
    expect(error.problems).toEqual([
      { path: 'activeKeyId', message: 'must be a string' },
      { path: 'keys', message: 'must be an object of key id → base64 key' },
    ]);
  });
});
