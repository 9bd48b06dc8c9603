/**
 * End-to-end: the built `keygate` binary, run as a child process, against a real host (real HTTP,
 * real PostgreSQL). Build first with `npx tsc -b`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { render } from './formats.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SRC = fileURLToPath(new URL('.', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const V1 = '/api/v1';

const SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://app:p%40ss@db:5432/prod',
  QUOTED: 'say "hi" and \'bye\'',
  MULTILINE: '-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n',
  DOLLAR: '$HOME ${PATH} $(id)',
  BACKSLASH: 'C:\\new\\table',
  UNICODE: 'päss wörd 🔑 密码',
  'db.host': 'db.internal',
  PORT: '5432',
};

let h: TestHost;
let work: string;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd?: string;
  /** Replaces the default KEYGATE_URL / KEYGATE_API_KEY pair. */
  env?: Record<string, string>;
  input?: string;
}

/** Only PATH is inherited, so the developer's own KEYGATE_* variables cannot leak into a test. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: work };
}

function defaultEnv(): Record<string, string> {
  return { KEYGATE_URL: h.url, KEYGATE_API_KEY: h.apiKey };
}

function start(args: readonly string[], options: RunOptions = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? work,
    env: { ...baseEnv(), ...(options.env ?? defaultEnv()) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  const done = new Promise<Result>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

function keygate(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  return start(args, options).done;
}

async function ok(method: string, path: string, body?: unknown, expected = [200, 201, 204]): Promise<unknown> {
  const res = await h.api(method, path, body);
  expect(expected, `${method} ${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
  return res.body;
}

async function putSecret(project: string, env: string, provider: string, key: string, value: string): Promise<void> {
  await ok('PUT', `${V1}/projects/${project}/environments/${env}/providers/${provider}/secrets/${key}`, { value });
}

/** Sources (tests excluded: they are not built) whose compiled file is missing or older. */
function staleSources(dir: string, out: string): string[] {
  const stale: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) stale.push(...staleSources(path, join(out, entry.name)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      const built = join(out, entry.name.replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) stale.push(path);
    }
  }
  return stale;
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  expect(staleSources(SRC, DIST), 'cli/dist is older than cli/src: run "npx tsc -b" first').toEqual([]);

  work = await mkdtemp(join(tmpdir(), 'keygate-cli-e2e-'));
  h = await startTestHost();
  await ok('POST', `${V1}/projects`, { name: 'shop' });
  await ok('POST', `${V1}/projects/shop/environments`, { name: 'production' });
  await ok('POST', `${V1}/projects/shop/environments`, { name: 'staging' });
  for (const [key, value] of Object.entries(SECRETS)) await putSecret('shop', 'production', 'system', key, value);
  await putSecret('shop', 'staging', 'system', 'DATABASE_URL', 'postgres://staging');
});

afterAll(async () => {
  await h?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function scratch(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('keygate binary basics', () => {
  it('prints its version and help', async () => {
    const manifest = JSON.parse(await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect(await keygate(['--version'])).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
    const help = await keygate(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: keygate <command>/);
    expect((await keygate(['pull', '--help'])).stdout).toMatch(/^Usage: keygate pull/);
    expect((await keygate(['secrets', '--help'])).stdout).toMatch(/^Usage: keygate secrets/);
  });

  it('exits 2 on a bad flag', async () => {
    const result = await keygate(['pull', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Unknown option '--nope'\nhint: /);
  });
});

describe('keygate pull', () => {
  it('writes .env by default, mode 0600, with every value quoted as the env format says', async () => {
    const dir = await scratch('pull-default');
    const result = await keygate(['pull', '-p', 'shop', '-e', 'production'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(`wrote ${Object.keys(SECRETS).length} secrets of shop/production to .env (env)\n`);
    expect(result.stdout).toBe('');
    const file = join(dir, '.env');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(render('env', SECRETS, () => undefined));
    expect(text).toContain('QUOTED="say \\"hi\\" and \'bye\'"\n');
    expect(text).toContain('MULTILINE="-----BEGIN KEY-----\\nabc\\ndef\\n-----END KEY-----\\n"\n');
    expect(text).toContain('DOLLAR="\\$HOME \\${PATH} \\$(id)"\n');
    expect(text).toContain('db_host=db.internal\n');
  });

  it('replaces an existing world-readable file with a 0600 one', async () => {
    const dir = await scratch('pull-overwrite');
    const file = join(dir, '.env');
    await writeFile(file, 'OLD=1\n');
    await chmod(file, 0o644);
    expect((await keygate(['pull', '-p', 'shop', '-e', 'production'], { cwd: dir })).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain('OLD=1');
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('says why it cannot write, and leaves nothing behind', async () => {
    const dir = await scratch('pull-unwritable');
    const missing = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', 'no/such/dir/.env'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot write no\/such\/dir\/\.env: its directory does not exist\nhint: /);
    await mkdir(join(dir, 'taken.env'));
    const directory = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', 'taken.env'], { cwd: dir });
    expect(directory.stderr).toMatch(/^error: cannot write taken\.env: it is a directory\n/);
    expect(readdirSync(dir)).toEqual(['taken.env']);
  });

  it('infers json, yaml and shell from the extension', async () => {
    const dir = await scratch('pull-formats');
    for (const name of ['out.json', 'out.yaml', 'out.yml', 'out.sh']) {
      const result = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', name], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
    }
    expect(JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'))).toEqual(SECRETS);
    expect(await readFile(join(dir, 'out.yaml'), 'utf8')).toBe(render('yaml', SECRETS, () => undefined));
    expect(await readFile(join(dir, 'out.yml'), 'utf8')).toContain('db.host: "db.internal"\n');
    const script = `. ./out.sh; printf '%s\\0' "$QUOTED" "$MULTILINE" "$DOLLAR" "$BACKSLASH" "$UNICODE" "$db_host"`;
    const values = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: dir, encoding: 'utf8', env: baseEnv() }).split('\0');
    expect(values.slice(0, 6)).toEqual([SECRETS.QUOTED, SECRETS.MULTILINE, SECRETS.DOLLAR, SECRETS.BACKSLASH, SECRETS.UNICODE, SECRETS['db.host']]);
  });

  it('writes to stdout with -o - and honours --format', async () => {
    const nested = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', '-', '--format', 'json-nested']);
    expect(nested.code, nested.stderr).toBe(0);
    expect(JSON.parse(nested.stdout)).toMatchObject({ db: { host: 'db.internal' }, PORT: '5432' });
    const env = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', '-']);
    expect(env.stdout).toBe(render('env', SECRETS, () => undefined));
    expect(env.stderr).toBe('');
  });

  it('prints a JSON summary with --json', async () => {
    const dir = await scratch('pull-json');
    const result = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', 'x.env', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ file: join(dir, 'x.env'), format: 'env', count: Object.keys(SECRETS).length, project: 'shop', environment: 'production' });
  });

  it('copes with the gateway refusing a repeated signature: identical pulls started together', async () => {
    const pulls = await Promise.all([1, 2].map(() => keygate(['pull', '-p', 'shop', '-e', 'staging', '-o', '-'])));
    for (const result of pulls) expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'DATABASE_URL=postgres://staging\n' });
  });

  it('uses HTTP bearer authentication with --auth bearer', async () => {
    const result = await keygate(['pull', '-p', 'shop', '-e', 'staging', '-o', '-', '--auth', 'bearer']);
    expect(result).toMatchObject({ code: 0, stdout: 'DATABASE_URL=postgres://staging\n' });
  });
});

describe('context resolution through the binary', () => {
  it('reads project and environment from a .keygate file in a parent directory', async () => {
    const root = await scratch('ctx-keygate');
    await writeFile(join(root, '.keygate'), '# committed with the repo\nproject = shop\nenvironment = staging\n');
    const deep = join(root, 'services', 'api');
    await mkdir(deep, { recursive: true });
    const result = await keygate(['pull', '-o', '-'], { cwd: deep });
    expect(result).toMatchObject({ code: 0, stdout: 'DATABASE_URL=postgres://staging\n' });
  });

  it('honours a .bella file and the BELLA_BAXTER_* variables', async () => {
    const root = await scratch('ctx-bella');
    await writeFile(join(root, '.bella'), 'project = shop\nenv = staging\n');
    const result = await keygate(['pull', '-o', '-'], { cwd: root, env: { BELLA_BAXTER_URL: h.url, BELLA_BAXTER_API_KEY: h.apiKey } });
    expect(result).toMatchObject({ code: 0, stdout: 'DATABASE_URL=postgres://staging\n' });
    const project = await keygate(['pull', '-o', '-', '--format', 'json'], {
      cwd: work,
      env: { BELLA_BAXTER_URL: h.url, BELLA_BAXTER_API_KEY: h.apiKey, BELLA_BAXTER_PROJECT: 'shop', BELLA_BAXTER_ENV: 'production' },
    });
    expect(JSON.parse(project.stdout)).toEqual(SECRETS);
  });

  it('ranks -e over KEYGATE_ENV over the file', async () => {
    const root = await scratch('ctx-precedence');
    await writeFile(join(root, '.keygate'), 'project = shop\nenvironment = production\n');
    const fromEnv = await keygate(['pull', '-o', '-', '--format', 'json'], { cwd: root, env: { ...defaultEnv(), KEYGATE_ENV: 'staging' } });
    expect(JSON.parse(fromEnv.stdout)).toEqual({ DATABASE_URL: 'postgres://staging' });
    const fromFlag = await keygate(['pull', '-o', '-', '--format', 'json', '-e', 'production'], { cwd: root, env: { ...defaultEnv(), KEYGATE_ENV: 'staging' } });
    expect(JSON.parse(fromFlag.stdout)).toEqual(SECRETS);
  });

  it('shows where each setting came from', async () => {
    const root = await scratch('ctx-show');
    await writeFile(join(root, '.keygate'), 'project = shop\nenvironment = production\norg = acme\n');
    const result = await keygate(['context', '--json'], { cwd: root, env: { ...defaultEnv(), KEYGATE_ENV: 'staging' } });
    expect(JSON.parse(result.stdout)).toEqual({
      url: { value: h.url, source: 'KEYGATE_URL' },
      apiKey: { set: true, source: 'KEYGATE_API_KEY' },
      credential: { value: 'API key', source: 'KEYGATE_API_KEY' },
      project: { value: 'shop', source: join(root, '.keygate') },
      environment: { value: 'staging', source: 'KEYGATE_ENV' },
      org: { value: 'acme', source: join(root, '.keygate') },
      file: join(root, '.keygate'),
    });
    expect(result.stdout).not.toContain(h.apiKey);
  });
});

describe('an environment-scoped API key', () => {
  let consumerKey: string;
  beforeAll(async () => {
    const env = (await ok('GET', `${V1}/projects/shop/environments/production`)) as { id: string };
    const created = (await ok('POST', `${V1}/environments/${env.id}/api-keys`, { role: 'Consumer' })) as { apiKey: string };
    consumerKey = created.apiKey;
  });

  it('is enough on its own: project and environment come from the key', async () => {
    const dir = await scratch('key-scope');
    const result = await keygate(['pull', '-o', '-', '--format', 'json'], { cwd: dir, env: { KEYGATE_URL: h.url, KEYGATE_API_KEY: consumerKey } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(SECRETS);
  });

  it('fills in only what is missing, never pairing its environment with another project', async () => {
    const same = await keygate(['pull', '-o', '-', '--format', 'json', '-p', 'shop'], { env: { KEYGATE_URL: h.url, KEYGATE_API_KEY: consumerKey } });
    expect(JSON.parse(same.stdout)).toEqual(SECRETS);
    const other = await keygate(['pull', '-o', '-', '-p', 'elsewhere'], { env: { KEYGATE_URL: h.url, KEYGATE_API_KEY: consumerKey } });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^error: no environment given\n/);
  });

  it('cannot write with the Consumer role', async () => {
    const result = await keygate(['secrets', 'set', 'NOPE', 'v'], { env: { KEYGATE_URL: h.url, KEYGATE_API_KEY: consumerKey } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\(HTTP 404 NOT_FOUND\)\nhint: .*the API key cannot see it/);
  });

  it('does not stand in for a tenant key, which has no environment', async () => {
    const result = await keygate(['pull', '-o', '-']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no project given\n/);
  });
});

const PRINT_ENV = `process.stdout.write(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((k) => [k, process.env[k] ?? null]))))`;

describe('keygate run', () => {
  it('adds the secrets to the child environment, overriding inherited variables', async () => {
    const result = await keygate(['run', '-p', 'shop', '-e', 'production', '--', process.execPath, '-e', PRINT_ENV, 'DATABASE_URL', 'MULTILINE', 'db_host', 'INHERITED', 'KEYGATE_URL'], {
      env: { ...defaultEnv(), DATABASE_URL: 'inherited-value', INHERITED: 'kept' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      DATABASE_URL: SECRETS.DATABASE_URL,
      MULTILINE: SECRETS.MULTILINE,
      db_host: 'db.internal',
      INHERITED: 'kept',
      KEYGATE_URL: h.url,
    });
  });

  it('passes flags after the command to the command, with or without --', async () => {
    const result = await keygate(['-p', 'shop', 'run', '-e', 'staging', process.execPath, '-e', PRINT_ENV, 'DATABASE_URL']);
    expect(JSON.parse(result.stdout)).toEqual({ DATABASE_URL: 'postgres://staging' });
  });

  it('exits with the child exit code', async () => {
    expect((await keygate(['run', '-p', 'shop', '-e', 'staging', '--', process.execPath, '-e', 'process.exit(7)'])).code).toBe(7);
    expect((await keygate(['run', '-p', 'shop', '-e', 'staging', '--', process.execPath, '-e', 'process.exit(0)'])).code).toBe(0);
  });

  it('exits with 128 + the signal number when the child is killed', async () => {
    expect((await keygate(['run', '-p', 'shop', '-e', 'staging', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGKILL")'])).code).toBe(137);
    expect((await keygate(['run', '-p', 'shop', '-e', 'staging', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")'])).code).toBe(143);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('forwards %s to the child and reports its exit', async (signal) => {
    const script = `process.on('${signal}', () => { process.stdout.write('got ${signal}\\n'); process.exit(42); }); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
    const running = start(['run', '-p', 'shop', '-e', 'staging', '--', process.execPath, '-e', script]);
    await expect.poll(running.stdout, { timeout: 10_000 }).toContain('ready');
    running.child.kill(signal);
    const result = await running.done;
    expect(result.stdout).toBe(`ready\ngot ${signal}\n`);
    expect(result.code).toBe(42);
  });

  it('reports a command that does not exist with exit code 127', async () => {
    const result = await keygate(['run', '-p', 'shop', '-e', 'staging', '--', 'keygate-no-such-command-xyz']);
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('error: command not found: keygate-no-such-command-xyz\nhint: check its spelling and your PATH\n');
  });
});

describe('keygate exec', () => {
  it('gives the child the URL, key, project and environment, and no secret', async () => {
    const check = `process.stdout.write(JSON.stringify({ url: process.env.KEYGATE_URL, keyMatches: process.env.KEYGATE_API_KEY === process.argv[1], project: process.env.KEYGATE_PROJECT, env: process.env.KEYGATE_ENV, secret: process.env.DATABASE_URL ?? null }))`;
    const result = await keygate(['exec', '-p', 'shop', '-e', 'production', '--', process.execPath, '-e', check, h.apiKey], {
      env: { BELLA_BAXTER_URL: h.url, BELLA_BAXTER_API_KEY: h.apiKey },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ url: h.url, keyMatches: true, project: 'shop', env: 'production', secret: null });
  });

  it('exits with the child exit code', async () => {
    expect((await keygate(['exec', '--', process.execPath, '-e', 'process.exit(3)'])).code).toBe(3);
  });
});

describe('keygate secrets', () => {
  const target = ['-p', 'shop', '-e', 'staging'];

  it('sets, gets, lists and deletes a secret', async () => {
    const set = await keygate(['secrets', 'set', 'API_TOKEN', 'tok-123 "quoted"', ...target]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toMatch(/^set API_TOKEN in shop\/staging \(provider system/);

    const get = await keygate(['secrets', 'get', 'API_TOKEN', ...target]);
    expect(get).toMatchObject({ code: 0, stdout: 'tok-123 "quoted"' });

    const list = await keygate(['secrets', 'list', ...target]);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^KEY\s+PROVIDER\s+TYPE\s+UPDATED\s+DESCRIPTION$/);
    expect(list.stdout).toMatch(/^API_TOKEN\s+system\s+string/m);
    expect(list.stdout).toMatch(/^DATABASE_URL\s+system/m);
    expect(list.stdout).not.toContain('tok-123');

    const listJson = await keygate(['secrets', 'list', '--json', ...target]);
    const items = JSON.parse(listJson.stdout) as Array<{ key: string; provider: string }>;
    expect(items.map((item) => item.key).sort()).toEqual(['API_TOKEN', 'DATABASE_URL']);

    const del = await keygate(['secrets', 'delete', 'API_TOKEN', '--json', ...target]);
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({ deleted: true, key: 'API_TOKEN', provider: 'system', project: 'shop', environment: 'staging' });

    const gone = await keygate(['secrets', 'get', 'API_TOKEN', ...target]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('error: no secret API_TOKEN in shop/staging\nhint: "keygate secrets list" shows the keys\n');
  });

  it('reads the value from stdin with "-", byte for byte', async () => {
    const value = 'line one\nline "two" with $dollar\n\n';
    const set = await keygate(['secrets', 'set', 'FROM_STDIN', '-', '--description', 'piped in', '--json', ...target], { input: value });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ key: 'FROM_STDIN', provider: 'system', description: 'piped in' });
    const get = await keygate(['secrets', 'get', 'FROM_STDIN', '--json', ...target]);
    expect(JSON.parse(get.stdout)).toMatchObject({ key: 'FROM_STDIN', value, description: 'piped in' });
    await keygate(['secrets', 'delete', 'FROM_STDIN', ...target]);
  });

  it('refuses an invalid key and a missing value as usage errors', async () => {
    const badKey = await keygate(['secrets', 'get', '1BAD', ...target]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/^error: invalid key "1BAD"\n/);
    expect((await keygate(['secrets', 'set', 'ONLY_KEY', ...target])).stderr).toMatch(/^error: missing VALUE\n/);
  });

  it('reports deleting a missing secret', async () => {
    const result = await keygate(['secrets', 'delete', 'NEVER_THERE', ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\(HTTP 404\)\nhint: is NEVER_THERE in provider system of shop\/staging\?/);
  });

  describe('with two providers', () => {
    let backup = false;
    beforeAll(async () => {
      const created = await h.api('POST', `${V1}/providers`, { name: 'backup', type: 'Local' });
      if (created.status !== 201) return;
      await ok('POST', `${V1}/projects`, { name: 'multi', providerIds: ['system', 'backup'] });
      await ok('POST', `${V1}/projects/multi/environments`, { name: 'dev' });
      await putSecret('multi', 'dev', 'backup', 'ONLY_IN_BACKUP', 'from-backup');
      await putSecret('multi', 'dev', 'backup', 'SHADOWED', 'backup-value');
      await putSecret('multi', 'dev', 'system', 'SHADOWED', 'system-value');
      backup = true;
    });

    it('gets a key from the first provider that has it, like the merged read', async (ctx) => {
      if (!backup) ctx.skip();
      const only = await keygate(['secrets', 'get', 'ONLY_IN_BACKUP', '-p', 'multi', '-e', 'dev']);
      expect(only).toMatchObject({ code: 0, stdout: 'from-backup' });
      expect((await keygate(['secrets', 'get', 'SHADOWED', '-p', 'multi', '-e', 'dev'])).stdout).toBe('system-value');
      expect((await keygate(['secrets', 'get', 'SHADOWED', '--provider', 'backup', '-p', 'multi', '-e', 'dev'])).stdout).toBe('backup-value');
    });

    it('lists every provider in priority order, or one with --provider', async (ctx) => {
      if (!backup) ctx.skip();
      const all = JSON.parse((await keygate(['secrets', 'list', '--json', '-p', 'multi', '-e', 'dev'])).stdout) as Array<{ key: string; provider: string }>;
      expect(all.map((item) => `${item.provider}:${item.key}`)).toEqual(['system:SHADOWED', 'backup:ONLY_IN_BACKUP', 'backup:SHADOWED']);
      const one = JSON.parse((await keygate(['secrets', 'list', '--json', '--provider', 'backup', '-p', 'multi', '-e', 'dev'])).stdout) as Array<{ provider: string }>;
      expect(one.every((item) => item.provider === 'backup')).toBe(true);
    });

    it('writes to the first provider unless --provider says otherwise', async (ctx) => {
      if (!backup) ctx.skip();
      const set = await keygate(['secrets', 'set', 'WRITTEN', 'v', '--provider', 'backup', '--json', '-p', 'multi', '-e', 'dev']);
      expect(JSON.parse(set.stdout)).toMatchObject({ key: 'WRITTEN', provider: 'backup' });
      const unknown = await keygate(['secrets', 'set', 'WRITTEN', 'v', '--provider', 'nope', '-p', 'multi', '-e', 'dev']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/provider "nope"/);
    });
  });
});

describe('errors', () => {
  it('says to check the key on 401, without printing it', async () => {
    const wrong = `bax-${'0'.repeat(32)}-${'1'.repeat(64)}`;
    const result = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', '-'], { env: { KEYGATE_URL: h.url, KEYGATE_API_KEY: wrong } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the gateway refused the API key \(HTTP 401[^)]*\)\nhint: check KEYGATE_API_KEY/);
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expect(result.stdout + result.stderr).not.toContain(h.apiKey);
  });

  it('asks whether the gateway runs when the connection is refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}`;
    const result = await keygate(['pull', '-p', 'shop', '-e', 'production'], { env: { KEYGATE_URL: url, KEYGATE_API_KEY: h.apiKey } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot connect to ${url} (connection refused)\nhint: is the gateway running at ${url}? set KEYGATE_URL or --url otherwise\n`);
  });

  it('names the project and environment on 404', async () => {
    const result = await keygate(['pull', '-p', 'shop', '-e', 'nowhere', '-o', '-']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*nowhere.* \(HTTP 404 NOT_FOUND\)\nhint: no such project\/environment "shop\/nowhere"/);
    expect(result.stdout).toBe('');
  });

  it('gives up after --timeout when the gateway does not answer', async () => {
    // Accepts connections and never answers; the sockets are kept to be destroyed at the end.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const url = `http://127.0.0.1:${port}`;
      const result = await keygate(['pull', '-p', 'shop', '-e', 'production', '--timeout', '0.5'], { env: { KEYGATE_URL: url, KEYGATE_API_KEY: h.apiKey } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: no answer from ${url.replace(/\./g, '\\.')} within 0\\.5 s\\n`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
