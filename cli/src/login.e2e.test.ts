/**
 * End-to-end: `keygate login|logout|whoami` of the built binary against a real host, and the
 * stored login used by other commands. Build first with `npx tsc -b`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { runCli, type CliResult as Result } from '../../test/src/cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

let h: TestHost;
let home: string;
let viewerKey: string;


/** HOME is a scratch folder, so the stored login lands in HOME/.config/keygate. */
function keygate(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Result> {
  return runCli(args, { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home, ...options.env }, ...(options.input === undefined ? {} : { input: options.input }) });
}

const credentialsFile = () => join(home, '.config', 'keygate', 'credentials.json');
const stored = async () => JSON.parse(await readFile(credentialsFile(), 'utf8')) as Record<string, string>;

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  home = await mkdtemp(join(tmpdir(), 'keygate-cli-login-'));
  h = await startTestHost();
  expect((await h.api('POST', `${V1}/projects`, { name: 'shop' })).status).toBe(201);
  expect((await h.api('POST', `${V1}/projects/shop/environments`, { name: 'prod' })).status).toBe(201);
  expect((await h.api('PUT', `${V1}/projects/shop/environments/prod/providers/system/secrets/TOKEN`, { value: 'tok-value' })).status).toBeLessThan(300);
  expect((await h.api('POST', `${V1}/users`, { email: EMAIL, password: PASSWORD, tenantRole: 'Admin' })).status).toBe(201);
  const viewer = await h.api('POST', `${V1}/api-keys`, { role: 'Viewer' });
  viewerKey = (viewer.body as Record<string, string>).apiKey!;
});
afterAll(async () => {
  await h?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('keygate login with an API key', () => {
  it('checks the key, stores it 0600 in a 0700 folder, and later commands use it for that URL only', async () => {
    const bad = await keygate(['login', '--url', h.url], { input: `bax-${'0'.repeat(32)}-${'1'.repeat(64)}\n` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/does not accept this API key/);
    expect(existsSync(credentialsFile())).toBe(false);

    const result = await keygate(['login', '--url', h.url], { input: `${h.apiKey}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^logged in to .* with API key bax-[0-9a-f]{32} \(role Owner on tenant/);
    expect(result.stderr).not.toContain(h.apiKey);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.config', 'keygate'))).mode & 0o777).toBe(0o700);
    expect(await stored()).toMatchObject({ kind: 'api-key', url: h.url, apiKey: h.apiKey });

    // No URL, no key in the environment: both come from the stored login.
    const pulled = await keygate(['pull', '-p', 'shop', '-e', 'prod', '-o', '-']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe('TOKEN=tok-value\n');

    const who = await keygate(['whoami', '--json']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ kind: 'api-key', role: 'Owner', source: 'the stored login' });

    // The environment's key wins over the stored login.
    const asViewer = await keygate(['whoami', '--json'], { env: { KEYGATE_API_KEY: viewerKey } });
    expect(JSON.parse(asViewer.stdout)).toMatchObject({ role: 'Viewer', source: 'KEYGATE_API_KEY' });

    // Another URL never receives the stored key.
    const elsewhere = await keygate(['whoami', '--url', 'http://127.0.0.1:9']);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^error: no API key given/);

    const out = await keygate(['logout']);
    expect(out.code).toBe(0);
    expect(existsSync(credentialsFile())).toBe(false);
    expect((await keygate(['logout'])).stderr).toMatch(/^not logged in/);
  });
});

describe('keygate login as a user', () => {
  it('logs in with the password from stdin, refreshes an expired access token, and revokes the session on logout', async () => {
    const wrong = await keygate(['login', '--url', h.url, '--email', EMAIL], { input: 'not the password\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: wrong email or password/);

    const result = await keygate(['login', '--url', h.url, '--email', EMAIL], { input: `${PASSWORD}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^logged in to .* as ada@example.com/);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    const first = await stored();
    expect(first).toMatchObject({ kind: 'user', email: EMAIL });
    expect(JSON.stringify(first)).not.toContain(PASSWORD);

    const who = await keygate(['whoami', '--json']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ kind: 'user', email: EMAIL, role: 'Admin' });

    // An access token about to lapse is renewed with the refresh token, and the new pair stored.
    await writeFile(credentialsFile(), JSON.stringify({ ...first, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const pulled = await keygate(['pull', '-p', 'shop', '-e', 'prod', '-o', '-']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe('TOKEN=tok-value\n');
    const second = await stored();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(Date.parse(second.expiresAt!)).toBeGreaterThan(Date.now());

    const out = await keygate(['logout', '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ url: h.url, loggedOut: true });
    expect(existsSync(credentialsFile())).toBe(false);
    // The refresh token was revoked on the gateway.
    const reuse = await h.api('POST', `${V1}/auth/refresh`, { refreshToken: second.refreshToken }, { authorization: '' });
    expect(reuse.status).toBe(401);
  });

  it('says to log in again when the refresh token is no longer accepted', async () => {
    expect((await keygate(['login', '--url', h.url, '--email', EMAIL], { input: `${PASSWORD}\n` })).code).toBe(0);
    const login = await stored();
    await writeFile(credentialsFile(), JSON.stringify({ ...login, refreshToken: 'revoked-or-made-up', expiresAt: new Date(0).toISOString() }));
    const result = await keygate(['whoami']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the login of ada@example.com at .* has expired or was revoked\nhint: run "keygate login --email ada@example.com" again/);
    expect((await keygate(['logout'])).code).toBe(0);
  });
});

describe('a long run as a user', () => {
  it('keeps watching past the access token: it is refreshed while polling', async () => {
    expect((await keygate(['login', '--url', h.url, '--email', EMAIL], { input: `${PASSWORD}\n` })).code).toBe(0);
    const login = await stored();
    // Valid for the first read, inside the one-minute refresh margin a moment later.
    await writeFile(credentialsFile(), JSON.stringify({ ...login, expiresAt: new Date(Date.now() + 61_500).toISOString() }));
    const child = spawn(
      process.execPath,
      [BIN, 'run', '-p', 'shop', '-e', 'prod', '--watch', '--poll-interval', '0.2', '--', process.execPath, '-e', "process.stdout.write('token=' + process.env.TOKEN + '\\n'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);"],
      { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = async (condition: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 15_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await until(() => out.includes('token=tok-value\n'));
      await until(async () => (await stored()).refreshToken !== login.refreshToken);
      expect((await h.api('PUT', `${V1}/projects/shop/environments/prod/providers/system/secrets/TOKEN`, { value: 'tok-rotated' })).status).toBeLessThan(300);
      await until(() => out.includes('token=tok-rotated\n'));
      expect(out).not.toMatch(/warning/);
    } finally {
      child.kill('SIGTERM');
      await done;
      await h.api('PUT', `${V1}/projects/shop/environments/prod/providers/system/secrets/TOKEN`, { value: 'tok-value' });
    }
    expect((await keygate(['logout'])).code).toBe(0);
  });
});

describe('XDG_CONFIG_HOME', () => {
  it('puts the login there instead of ~/.config', async () => {
    const xdg = join(home, 'xdg');
    const env = { XDG_CONFIG_HOME: xdg };
    expect((await keygate(['login', '--url', h.url], { env, input: h.apiKey })).code).toBe(0);
    expect((await stat(join(xdg, 'keygate', 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect(existsSync(credentialsFile())).toBe(false);
    expect(JSON.parse((await keygate(['whoami', '--json'], { env })).stdout)).toMatchObject({ role: 'Owner', source: 'the stored login' });
    expect((await keygate(['logout'], { env })).code).toBe(0);
    expect(existsSync(join(xdg, 'keygate', 'credentials.json'))).toBe(false);
  });
});

describe('keygate context with a stored login', () => {
  it('names the stored login as the credential and its URL as the gateway, without the secret', async () => {
    expect((await keygate(['login', '--url', h.url, '--email', EMAIL], { input: `${PASSWORD}\n` })).code).toBe(0);
    const result = await keygate(['context', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ url: { value: h.url, source: credentialsFile() }, apiKey: null, credential: { value: `user ${EMAIL}` } });
    expect(result.stdout).not.toContain((await stored()).accessToken);
    expect((await keygate(['logout'])).code).toBe(0);
  });
});
