/**
 * End-to-end: `keygate audit list|verify` of the built binary, run as a child process, against a
 * real host. Build first with `npx tsc -b`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { runCli, type CliResult as Result } from '../../test/src/cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';

let h: TestHost;
let work: string;
let viewerKey: string;


function keygate(args: readonly string[], apiKey = h.apiKey): Promise<Result> {
  return runCli(args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: h.url, KEYGATE_API_KEY: apiKey } });
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  work = await mkdtemp(join(tmpdir(), 'keygate-cli-audit-'));
  h = await startTestHost();
  expect((await h.api('POST', `${V1}/projects`, { name: 'shop' })).status).toBe(201);
  expect((await h.api('POST', `${V1}/projects/shop/environments`, { name: 'prod' })).status).toBe(201);
  expect((await h.api('PUT', `${V1}/projects/shop/environments/prod/providers/system/secrets/TOKEN`, { value: 'hunter2-value' })).status).toBeLessThan(300);
  expect((await h.api('GET', `${V1}/projects/shop/environments/prod/secrets`)).status).toBe(200);
  const viewer = await h.api('POST', `${V1}/api-keys`, { role: 'Viewer' });
  expect(viewer.status).toBe(201);
  viewerKey = (viewer.body as Record<string, unknown>).apiKey as string;
  await h.host.services.audit.flush();
});
afterAll(async () => {
  await h?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('keygate audit', () => {
  it('lists rows filtered by action, as a table or as JSON, signed by default', async () => {
    const table = await keygate(['audit', 'list', '--action', 'secret.write']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\s+STATUS$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('secret.write');
    expect(lines[1]).toContain('shop/prod/system/TOKEN');
    expect(table.stdout).not.toContain('hunter2-value');

    const json = await keygate(['audit', 'list', '--action', 'environment.read', '--since', '1h', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const page = JSON.parse(json.stdout) as { items: Array<{ action: string }>; total: number };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((row) => row.action === 'environment.read')).toBe(true);

    // Nothing is that old: a time in the future matches no row.
    const future = await keygate(['audit', 'list', '--since', '2999-01-01T00:00:00Z', '--json']);
    expect(JSON.parse(future.stdout)).toMatchObject({ items: [], total: 0 });
  });

  it('refuses bad flags as usage errors (exit 2) before sending anything', async () => {
    for (const args of [['audit', 'list', '--since', 'yesterday'], ['audit', 'list', '--limit', '0'], ['audit', 'verify', '--action', 'x'], ['audit', 'nope'], ['audit']]) {
      const res = await keygate(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error: /);
    }
  });

  it('verify exits 0 on an intact chain and 1 with the first broken row after tampering', async () => {
    const intact = await keygate(['audit', 'verify']);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/^audit trail intact: \d+ rows checked\n$/);

    await h.host.services.audit.flush();
    const { knex } = h.host.services;
    const row = await knex('audit_events').where({ action: 'secret.write' }).orderBy('seq').first<{ seq: string }>('seq');
    const seq = Number(row!.seq);
    await knex.raw('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await knex('audit_events').where({ seq }).update({ target: 'forged' });
    await knex.raw('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    const broken = await keygate(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit trail broken at row ${seq}`);
    const json = await keygate(['audit', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, brokenAtSeq: seq });
  });

  it('a Viewer key lists but may not verify (the gateway answers 404)', async () => {
    expect((await keygate(['audit', 'list'], viewerKey)).code).toBe(0);
    const verify = await keygate(['audit', 'verify'], viewerKey);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/^error: /);
    expect(verify.stdout).toBe('');
  });
});
