/**
 * End-to-end: `keygate run --watch` of the built binary against a real host. A secret changed
 * through the API, or rotated by the rotation engine, reaches the watched child: restarted with the
 * new value, or signalled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../../test/src/host.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';

let h: TestHost;
let work: string;
let script: string;

/** Says when it starts (with GREETING), stops and gets SIGHUP; exits with argv[2] after 300 ms when given. */
const CHILD = `
process.stdout.write('start ' + process.pid + ' ' + process.env.GREETING + '\\n');
process.on('SIGTERM', () => { process.stdout.write('stop ' + process.pid + '\\n'); process.exit(0); });
process.on('SIGHUP', () => { process.stdout.write('hup ' + process.pid + '\\n'); });
if (process.argv[2]) setTimeout(() => process.exit(Number(process.argv[2])), 300);
setInterval(() => {}, 1000);
`;

function watch(env: string, extra: readonly string[], childArgs: readonly string[] = []) {
  const child = spawn(process.execPath, [BIN, 'run', '-p', 'app', '-e', env, '--watch', '--poll-interval', '0.2', ...extra, '--', process.execPath, script, ...childArgs], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: h.url, KEYGATE_API_KEY: h.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out, done };
}

async function until(condition: () => boolean, what: () => string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function setGreeting(env: string, value: string): Promise<void> {
  const res = await h.api('PUT', `${V1}/projects/app/environments/${env}/providers/system/secrets/GREETING`, { value });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  work = await mkdtemp(join(tmpdir(), 'keygate-cli-watch-'));
  script = join(work, 'child.cjs');
  await writeFile(script, CHILD);
  h = await startTestHost();
  expect((await h.api('POST', `${V1}/projects`, { name: 'app' })).status).toBe(201);
  for (const env of ['restart', 'signal', 'exit', 'rotated']) {
    expect((await h.api('POST', `${V1}/projects/app/environments`, { name: env })).status).toBe(201);
    await setGreeting(env, 'hello');
  }
});
afterAll(async () => {
  await h?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('keygate run --watch', () => {
  it('restarts the child with the new value when a secret changes, and forwards SIGTERM at the end', async () => {
    const run = watch('restart', []);
    const text = () => `${run.out.stdout}\n--- stderr ---\n${run.out.stderr}`;
    await until(() => /start \d+ hello\n/.test(run.out.stdout), text);
    const firstPid = /start (\d+) hello/.exec(run.out.stdout)![1];

    await setGreeting('restart', 'world');
    await until(() => /start \d+ world\n/.test(run.out.stdout), text);
    const secondPid = /start (\d+) world/.exec(run.out.stdout)![1];
    expect(secondPid).not.toBe(firstPid);
    expect(run.out.stdout).toContain(`stop ${firstPid}\n`);
    expect(run.out.stderr).toMatch(/keygate: 1 secret changed \(GREETING\); restarting/);
    expect(run.out.stderr).not.toContain('world');

    run.child.kill('SIGTERM');
    expect(await run.done).toBe(0);
    expect(run.out.stdout).toContain(`stop ${secondPid}\n`);
  });

  it('sends the chosen signal instead of restarting, and exits 128 + n when a forwarded signal kills the child', async () => {
    const run = watch('signal', ['--signal', 'HUP']);
    const text = () => `${run.out.stdout}\n--- stderr ---\n${run.out.stderr}`;
    await until(() => /start \d+ hello\n/.test(run.out.stdout), text);
    const pid = /start (\d+) hello/.exec(run.out.stdout)![1];

    await setGreeting('signal', 'again');
    await until(() => run.out.stdout.includes(`hup ${pid}\n`), text);
    expect(run.out.stdout.match(/start /g)).toHaveLength(1);
    expect(run.out.stderr).toMatch(/sending SIGHUP/);

    // The child has no SIGINT handler: it dies of it, and keygate reports 128 + 2.
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
  });

  it('picks up a value rotated by the rotation engine (Rotate Now)', async () => {
    const secret = `${V1}/projects/app/environments/rotated/providers/system/secrets/GREETING`;
    expect((await h.api('PUT', `${secret}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex32' })).status).toBe(201);
    const run = watch('rotated', []);
    const text = () => `${run.out.stdout}\n--- stderr ---\n${run.out.stderr}`;
    await until(() => /start \d+ hello\n/.test(run.out.stdout), text);

    expect((await h.api('POST', `${secret}/rotate`)).status).toBe(202);
    await until(() => /start \d+ [0-9a-f]{32}\n/.test(run.out.stdout), text);
    const rotated = /start \d+ ([0-9a-f]{32})\n/.exec(run.out.stdout)![1];
    expect(((await h.api('GET', secret)).body as { value: string }).value).toBe(rotated);
    expect(run.out.stderr).toMatch(/keygate: 1 secret changed \(GREETING\); restarting/);
    expect(run.out.stderr).not.toContain(rotated);

    run.child.kill('SIGTERM');
    expect(await run.done).toBe(0);
  });

  it('exits with the child exit code when the child ends on its own', async () => {
    const run = watch('exit', [], ['7']);
    expect(await run.done).toBe(7);
    expect(run.out.stdout).toMatch(/^start \d+ hello\n$/);
  });

  it('refuses watch flags without --watch and unknown signals', async () => {
    const bad = spawn(process.execPath, [BIN, 'run', '--signal', 'SIGNOPE', '--watch', '--', 'true'], { env: { PATH: process.env.PATH ?? '', HOME: work }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    bad.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    expect(await new Promise((resolve) => bad.on('close', resolve))).toBe(2);
    expect(stderr).toMatch(/^error: --signal must be "restart" or a signal name, not "SIGNOPE"/);

    const noWatch = spawn(process.execPath, [BIN, 'run', '--poll-interval', '5', '--', 'true'], { env: { PATH: process.env.PATH ?? '', HOME: work }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr2 = '';
    noWatch.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr2 += chunk));
    expect(await new Promise((resolve) => noWatch.on('close', resolve))).toBe(2);
    expect(stderr2).toMatch(/^error: --signal and --poll-interval go with --watch/);
  });
});
