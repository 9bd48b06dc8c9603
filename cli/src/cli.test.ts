import { afterAll, describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeygateApiError } from '@keygate/sdk';
import { GLOBAL_OPTIONS, firstOperand } from './args.js';
import { runCli } from './cli.js';
import { CliError, explainError, redact } from './errors.js';
import type { Io } from './io.js';
import { CLI_VERSION } from './version.js';

const KEY = `bax-${'a1'.repeat(16)}-${'b2'.repeat(32)}`;
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  // An empty directory: no stray .keygate file of the machine gets in the way.
  const cwd = await mkdtemp(join(tmpdir(), 'keygate-cli-inproc-'));
  made.push(cwd);
  const io: Io = { stdout, stderr, stdin: Readable.from([]), env, cwd, stdoutIsTty: false, stdinIsTty: false };
  const code = await runCli(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('firstOperand', () => {
  const options = { ...GLOBAL_OPTIONS, output: { type: 'string', short: 'o' } } as const;

  it('skips flags and the values of string flags', () => {
    expect(firstOperand(['-p', 'shop', '--env=prod', '--json', 'pull'], 0, options)).toBe(4);
    expect(firstOperand(['--project', 'shop', '-e', 'prod', 'run', 'x'], 0, options)).toBe(4);
    expect(firstOperand(['-pshop', 'pull'], 0, options)).toBe(1);
    expect(firstOperand(['-hp', 'shop', 'pull'], 0, options)).toBe(2);
  });

  it('stops at --, at "-" and at the end', () => {
    expect(firstOperand(['-p', 'x', '--', 'node'], 0, options)).toBe(2);
    expect(firstOperand(['-'], 0, options)).toBe(0);
    expect(firstOperand(['--json'], 0, options)).toBe(1);
  });
});

describe('keygate (in process)', () => {
  it('prints its version and help', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['pull', 'run', 'exec', 'secrets', 'context']) expect(help.stdout).toContain(`  ${name}`);
    expect((await cli(['help', 'pull'])).stdout).toMatch(/^Usage: keygate pull/);
    expect((await cli(['secrets', 'set', '--help'])).stdout).toMatch(/^Usage: keygate secrets list/);
    expect((await cli(['run', '--help'])).stdout).toMatch(/^Usage: keygate run/);
  });

  it('shows the help on stderr with exit code 2 when no command is given', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: keygate <command>');
  });

  it('answers bad usage with exit code 2, an error line and a hint line', async () => {
    const unknown = await cli(['pul']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: unknown command "pul"\nhint: did you mean "pull"? run "keygate --help" to see the commands\n');

    const flag = await cli(['pull', '--fromat', 'json']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')[0]).toBe("error: Unknown option '--fromat'");

    const format = await cli(['pull', '--format', 'toml', '-p', 'a', '-e', 'b']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^error: unknown format "toml"\nhint: use one of: env, json, json-nested, yaml, shell\n$/);

    expect((await cli(['run', '-p', 'a', '-e', 'b'])).stderr).toMatch(/^error: no command to run/);
    expect((await cli(['secrets'])).code).toBe(2);
    expect((await cli(['secrets', 'frobnicate'])).stderr).toMatch(/unknown subcommand "secrets frobnicate"/);
  });

  it('says how to give a missing project, environment or key', async () => {
    // Without a key there is no key scope to ask the gateway about, so nothing is sent.
    const noProject = await cli(['pull']);
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toMatch(/^error: no project given\nhint: pass -p\/--project, set KEYGATE_PROJECT/);

    const noEnv = await cli(['pull', '-p', 'shop']);
    expect(noEnv.stderr).toMatch(/^error: no environment given\nhint: pass -e\/--env, set KEYGATE_ENV/);

    const noKey = await cli(['pull', '-p', 'shop', '-e', 'dev']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^error: no API key given\nhint: set KEYGATE_API_KEY/);
  });

  it('refuses a malformed key without repeating it', async () => {
    const bad = 'bax-not-a-real-key-but-still-private';
    const result = await cli(['pull', '-p', 'shop', '-e', 'dev'], { KEYGATE_API_KEY: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the API key in KEYGATE_API_KEY is not a Keygate API key/);
    expect(result.stderr).not.toContain(bad);
  });

  it('never echoes a key that ends up in an argument', async () => {
    const result = await cli(['pull', KEY]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(KEY);
    expect(result.stderr).toContain('bax-***');
  });

  it('shows the context without the key', async () => {
    const result = await cli(['context', '--json', '-p', 'shop'], { KEYGATE_API_KEY: KEY, KEYGATE_ENV: 'dev' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      url: { value: 'http://localhost:8080', source: 'default' },
      apiKey: { set: true, source: 'KEYGATE_API_KEY' },
      project: { value: 'shop', source: '--project' },
      environment: { value: 'dev', source: 'KEYGATE_ENV' },
    });
    expect(result.stdout).not.toContain(KEY);
  });
});

describe('explainError', () => {
  const scene = { url: 'http://gw:8080', apiKeySource: 'KEYGATE_API_KEY', project: 'shop', environment: 'dev' };
  const api = (status: number, extra: Record<string, unknown> = {}) => new KeygateApiError({ status, title: 'T', ...extra });

  it('maps statuses to a message and a hint', () => {
    expect(explainError(api(401, { code: 'UNAUTHENTICATED' }), scene).hint).toMatch(/^check KEYGATE_API_KEY/);
    expect(explainError(api(401), { ...scene, apiKeySource: '--api-key' }).hint).toMatch(/^check --api-key/);
    const notFound = explainError(api(404, { code: 'NOT_FOUND', detail: 'environment "dev" of project "shop" not found' }), scene);
    expect(notFound.message).toBe('environment "dev" of project "shop" not found (HTTP 404 NOT_FOUND)');
    expect(notFound.hint).toMatch(/^no such project\/environment "shop\/dev"/);
    const provider = explainError(api(503, { code: 'PROVIDER_UNAVAILABLE', provider: 'vault', detail: 'provider "vault" is unreachable' }), scene);
    expect(provider.hint).toMatch(/provider "vault" is unreachable/);
    expect(explainError(api(500), scene).exitCode).toBe(1);
  });

  it('tells a server that is not Keygate from a missing environment, and a stale stored login from a bad key', () => {
    const foreign = explainError(api(404), scene);
    expect(foreign.message).toBe('http://gw:8080 answered HTTP 404, and not as a Keygate gateway would');
    expect(foreign.hint).toMatch(/^check KEYGATE_URL/);
    const stale = explainError(api(401, { code: 'UNAUTHENTICATED' }), { ...scene, apiKeySource: 'the stored login' });
    expect(stale.hint).toMatch(/run "keygate login" again/);
  });

  it('keeps server text on one line', () => {
    expect(explainError(api(400, { detail: 'a\nb\r\nc' }), scene).message).toBe('a b c (HTTP 400)');
  });

  it('explains transport failures', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(explainError(refused, scene).hint).toMatch(/^is the gateway running at http:\/\/gw:8080\?/);
    const dns = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    expect(explainError(dns, scene).message).toMatch(/cannot resolve/);
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(explainError(timeout, { ...scene, timeoutSeconds: 5 }).message).toBe('no answer from http://gw:8080 within 5 s');
  });

  it('passes CLI errors through', () => {
    const error = new CliError('x', 'y', 127);
    expect(explainError(error, scene)).toBe(error);
  });
});

describe('redact', () => {
  it('hides API keys and the given secrets', () => {
    expect(redact(`key ${KEY} and ${KEY.toUpperCase()}`)).toBe('key bax-*** and bax-***');
    expect(redact('token=hunter2-long-value', ['hunter2-long-value'])).toBe('token=***');
  });
});

describe('keygate against something that is not a gateway (in process, real HTTP)', () => {
  it('says to check the URL, not the environment', async () => {
    const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await cli(['pull', '-p', 'shop', '-e', 'dev', '-o', '-'], { KEYGATE_URL: `http://127.0.0.1:${port}/wrong`, KEYGATE_API_KEY: KEY });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: http://127.0.0.1:${port}/wrong answered HTTP 404, and not as a Keygate gateway would\nhint: check KEYGATE_URL (or --url): is it the gateway, with the right path prefix?\n`);
    } finally {
      server.close();
    }
  });
});
