/**
 * End-to-end: the administration commands of the built binary (projects, environments,
 * providers, api-keys, issue, trust-domains, secrets push) against a real host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestOidcIssuer, type TestOidcIssuer } from '@keygate/core/testing';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { runCli, type CliResult as Result } from '../../test/src/cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';

let h: TestHost;
let issuer: TestOidcIssuer;
let work: string;


function keygate(args: readonly string[], options: { apiKey?: string; input?: string } = {}): Promise<Result> {
  return runCli(args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: h.url, KEYGATE_API_KEY: options.apiKey ?? h.apiKey }, ...(options.input === undefined ? {} : { input: options.input }) });
}

async function json<T>(args: readonly string[], options: { apiKey?: string } = {}): Promise<T> {
  const result = await keygate([...args, '--json'], options);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  work = await mkdtemp(join(tmpdir(), 'keygate-cli-admin-'));
  issuer = await startTestOidcIssuer();
  const configFile = join(work, 'keygate.yaml');
  await writeFile(configFile, ['plugins:', '  - package: "@keygate/identity-github"', '  - package: "@keygate/identity-oidc"', 'outbound:', '  allowLoopback: true', ''].join('\n'));
  h = await startTestHost({ configPath: configFile });
});
afterAll(async () => {
  await h?.close();
  await issuer?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('projects, environments and providers', () => {
  it('creates, lists and deletes them', async () => {
    const project = await json<{ slug: string; id: string }>(['projects', 'create', 'Web Shop', '--slug', 'shop', '--description', 'the shop']);
    expect(project.slug).toBe('shop');
    expect((await json<Array<{ slug: string }>>(['projects', 'list'])).map((p) => p.slug)).toContain('shop');
    const table = await keygate(['projects', 'list']);
    expect(table.stdout).toMatch(/^SLUG\s+NAME\s+ID\s+DESCRIPTION\nshop\s+Web Shop\s+\S+\s+the shop\n/);

    const env = await json<{ slug: string; providers: string[] }>(['environments', 'create', 'production', '-p', 'shop', '--providers', 'system']);
    expect(env).toMatchObject({ slug: 'production', providers: ['system'] });
    await json(['environments', 'create', 'scratch', '-p', 'shop']);
    expect((await json<Array<{ slug: string }>>(['environments', 'list', '-p', 'shop'])).map((e) => e.slug).sort()).toEqual(['production', 'scratch']);
    expect((await keygate(['environments', 'delete', 'scratch', '-p', 'shop'])).code).toBe(0);
    expect((await json<Array<{ slug: string }>>(['environments', 'list', '-p', 'shop'])).map((e) => e.slug)).toEqual(['production']);

    const providers = await json<Array<{ slug: string; type: string }>>(['providers', 'list']);
    expect(providers).toContainEqual(expect.objectContaining({ slug: 'system', type: 'Local' }));
    const local = await json<{ slug: string }>(['providers', 'create', 'Second store', '--type', 'Local', '--slug', 'second']);
    expect(local.slug).toBe('second');
    expect((await keygate(['providers', 'delete', 'second'])).code).toBe(0);
    const bad = await keygate(['providers', 'create', 'x', '--type', 'Local', '--config', '{not json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --config is not valid JSON/);

    const throwaway = await json<{ slug: string }>(['projects', 'create', 'throwaway']);
    expect((await keygate(['projects', 'delete', throwaway.slug])).code).toBe(0);
    expect((await keygate(['projects', 'delete', throwaway.slug])).code).toBe(1);
  });
});

describe('secrets push', () => {
  it('pushes a .env file with quoting edge cases, exactly', async () => {
    const file = join(work, 'push.env');
    await writeFile(
      file,
      [
        '# pushed by the test',
        'export DATABASE_URL=postgres://app:p%40ss@db:5432/prod?sslmode=require',
        'QUOTED="say \\"hi\\" and \'bye\'"',
        'MULTILINE="-----BEGIN KEY-----\\nabc\\n-----END KEY-----\\n"',
        "LITERAL='$HOME stays'",
        'EQUALS=a=b=c # trailing comment',
        'SPANNING="line 1',
        'line 2"',
        '',
      ].join('\n'),
    );
    const pushed = await json<{ pushed: string[]; provider: string }>(['secrets', 'push', file, '-p', 'shop', '-e', 'production']);
    expect(pushed.provider).toBe('system');
    expect(pushed.pushed).toHaveLength(6);
    const pulled = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', '-', '--format', 'json']);
    expect(JSON.parse(pulled.stdout)).toEqual({
      DATABASE_URL: 'postgres://app:p%40ss@db:5432/prod?sslmode=require',
      QUOTED: 'say "hi" and \'bye\'',
      MULTILINE: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
      LITERAL: '$HOME stays',
      EQUALS: 'a=b=c',
      SPANNING: 'line 1\nline 2',
    });

    const broken = await keygate(['secrets', 'push', '-', '-p', 'shop', '-e', 'production'], { input: 'GOOD=1\nBAD="never closed\n' });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: stdin:2: unterminated double quote/);
    expect(broken.stderr).not.toContain('never closed');
    // Nothing of a broken file is written.
    const after = await keygate(['pull', '-p', 'shop', '-e', 'production', '-o', '-', '--format', 'json']);
    expect(JSON.parse(after.stdout)).not.toHaveProperty('GOOD');
  });
});

describe('secrets rotate', () => {
  it('starts a Rotate Now run that replaces the value, and explains a key without a policy', async () => {
    const secret = `${V1}/projects/shop/environments/production/providers/system/secrets/ROTATED`;
    expect((await h.api('PUT', secret, { value: 'before-rotation' })).status).toBe(200);
    expect((await h.api('PUT', `${secret}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex32' })).status).toBe(201);
    const run = await json<{ runId: string; trigger: string }>(['secrets', 'rotate', 'ROTATED', '-p', 'shop', '-e', 'production']);
    expect(run.trigger).toBe('manual');
    let value = 'before-rotation';
    for (let i = 0; i < 100 && value === 'before-rotation'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = ((await h.api('GET', secret)).body as { value: string }).value;
    }
    expect(value).toMatch(/^[0-9a-f]{32}$/);

    const none = await keygate(['secrets', 'rotate', 'DATABASE_URL', '-p', 'shop', '-e', 'production']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('rotation policy');
  });
});

describe('api-keys and issue', () => {
  it('creates an environment key that reads, lists it, and deletes it so that it stops working', async () => {
    const created = await keygate(['api-keys', 'create', '-p', 'shop', '-e', 'production', '--name', 'deploy-bot', '--expires-in-days', '30']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^bax-[0-9a-f]{32}-[0-9a-f]{64}$/);
    expect(created.stderr).toMatch(/it is not shown again/);

    const pulled = await keygate(['pull', '-o', '-'], { apiKey: key });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('EQUALS="a=b=c"\n');

    const listed = await json<Array<{ id: string; clientName: string; role: string }>>(['api-keys', 'list', '-p', 'shop', '-e', 'production']);
    const entry = listed.find((k) => k.clientName === 'deploy-bot');
    expect(entry).toMatchObject({ role: 'Consumer' });
    expect(JSON.stringify(listed)).not.toContain(key);

    expect((await keygate(['api-keys', 'delete', entry!.id, '-p', 'shop', '-e', 'production'])).code).toBe(0);
    const refused = await keygate(['pull', '-o', '-'], { apiKey: key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the gateway refused the API key/);

    const tenant = await json<{ apiKey: string }>(['api-keys', 'create', '--level', 'tenant', '--role', 'Viewer']);
    expect(tenant.apiKey).toMatch(/^bax-/);
    expect((await keygate(['api-keys', 'create', '--level', 'tenant'])).stderr).toMatch(/needs --role Owner, Admin, User or Viewer/);
  });

  it('issues a scoped short-lived token that reads only its scope', async () => {
    expect((await h.api('PUT', `${V1}/projects/shop/environments/production/providers/system/secrets/STRIPE_KEY`, { value: 'sk_live', tags: { scope: 'payments' } })).status).toBe(200);
    const issued = await json<{ token: string; scopes: string[]; expiresAt: string }>(['issue', '--scope', 'payments', '--ttl', '15', '--reason', 'nightly export', '-p', 'shop', '-e', 'production']);
    expect(issued.scopes).toEqual(['payments']);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5000);
    const pulled = await keygate(['pull', '-o', '-', '-p', 'shop', '-e', 'production'], { apiKey: issued.token });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe('STRIPE_KEY=sk_live\n');

    const plain = await keygate(['issue', '--scope', 'payments', '--ttl', '5', '--reason', 'x', '-p', 'shop', '-e', 'production']);
    expect(plain.stdout).toMatch(/^bax-[0-9a-f]{32}-[0-9a-f]{64}\n$/);

    const noTtl = await keygate(['issue', '--scope', 'payments', '--reason', 'x', '-p', 'shop', '-e', 'production']);
    expect(noTtl.code).toBe(2);
    expect(noTtl.stderr).toMatch(/^error: missing --ttl/);
    expect((await keygate(['issue', '--scope', 'a', '--ttl', 'soon', '--reason', 'x'])).stderr).toMatch(/--ttl must be a positive whole number/);
  });
});

describe('trust-domains', () => {
  it('creates (with the seed flags), lists and deletes', async () => {
    const created = await json<{ id: string; provider: string; settings: Record<string, string>; audience: string }>([
      'trust-domains', 'create', '--name', 'GitHub Actions CI', '--provider', 'GitHub', '--issuer', issuer.issuer,
      '--repository', 'myorg/my-repo', '--branch', 'main', '--project', 'shop', '--environment', 'production',
    ]);
    expect(created).toMatchObject({ provider: 'GitHub', settings: { repository: 'myorg/my-repo', branch: 'main' }, audience: h.url });

    const oidc = await json<{ claimRules: unknown[] }>([
      'trust-domains', 'create', '--name', 'GitLab CI', '--provider', 'OIDC', '--issuer', issuer.issuer, '--audience', 'https://keygate.example.com',
      '--claim-rules', '{"sub": "project_path:mygroup/myrepo:ref_type:branch:ref:main"}', '-p', 'shop', '-e', 'production',
    ]);
    expect(oidc.claimRules).toEqual([{ claim: 'sub', operator: 'Equals', value: 'project_path:mygroup/myrepo:ref_type:branch:ref:main' }]);

    const listed = await json<Array<{ id: string; name: string }>>(['trust-domains', 'list', '-p', 'shop', '-e', 'production']);
    expect(listed.map((d) => d.name)).toEqual(['GitHub Actions CI', 'GitLab CI']);
    expect((await keygate(['trust-domains', 'delete', created.id, '-p', 'shop', '-e', 'production'])).code).toBe(0);
    expect((await json<unknown[]>(['trust-domains', 'list', '-p', 'shop', '-e', 'production']))).toHaveLength(1);

    const unbound = await keygate(['trust-domains', 'create', '--name', 'x', '--provider', 'OIDC', '--issuer', issuer.issuer, '-p', 'shop', '-e', 'production']);
    expect(unbound.code).toBe(1);
    expect(unbound.stderr).toMatch(/HTTP 400/);
  });
});
