/**
 * End-to-end keyless use of the built binary: no key anywhere, only the workload's identity. A real
 * OIDC issuer signs the tokens, a real local HTTP server plays GitHub's Actions token endpoint,
 * and the real host verifies them against trust domains created through its API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestOidcIssuer, type TestOidcIssuer } from '@keygate/core/testing';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { runCli, type CliResult as Result } from '../../test/src/cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';
const AUDIENCE = 'https://keygate.ci.test';
const REQUEST_TOKEN = 'actions-runtime-request-token';

let h: TestHost;
let issuer: TestOidcIssuer;
let actions: Server;
let actionsUrl: string;
let work: string;
const audiencesAsked: string[] = [];
const envIds: Record<string, string> = {};


function keygate(args: readonly string[], env: Record<string, string>): Promise<Result> {
  // HOME is empty: no stored login; no KEYGATE_API_KEY: the only way in is the workload identity.
  return runCli(args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: h.url, ...env } });
}

const githubClaims = {
  sub: 'repo:octo-org/app:ref:refs/heads/main',
  repository: 'octo-org/app',
  repository_id: '74',
  repository_owner: 'octo-org',
  repository_owner_id: '65',
  ref: 'refs/heads/main',
};

/** What GitHub Actions runs at ACTIONS_ID_TOKEN_REQUEST_URL: bearer the request token, `audience` in the query. */
async function startActionsTokenEndpoint(): Promise<void> {
  actions = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token' || req.headers.authorization !== `Bearer ${REQUEST_TOKEN}` || url.searchParams.get('api-version') !== '2.0') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"unauthorized"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org';
    audiencesAsked.push(audience);
    void issuer.mint(githubClaims, { audience }).then((value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value })));
  });
  await new Promise<void>((resolve) => actions.listen(0, '127.0.0.1', resolve));
  actionsUrl = `http://127.0.0.1:${(actions.address() as AddressInfo).port}/token?api-version=2.0`;
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  work = await mkdtemp(join(tmpdir(), 'keygate-cli-keyless-'));
  issuer = await startTestOidcIssuer();
  await startActionsTokenEndpoint();
  const configFile = join(work, 'keygate.yaml');
  await writeFile(configFile, ['plugins:', '  - package: "@keygate/identity-github"', '  - package: "@keygate/identity-kubernetes"', 'outbound:', '  allowLoopback: true', ''].join('\n'));
  h = await startTestHost({ configPath: configFile });
  expect((await h.api('POST', `${V1}/projects`, { name: 'my-api' })).status).toBe(201);
  for (const env of ['production', 'cluster']) {
    const created = await h.api('POST', `${V1}/projects/my-api/environments`, { name: env });
    expect(created.status).toBe(201);
    envIds[env] = (created.body as Record<string, string>).id!;
    expect((await h.api('PUT', `${V1}/projects/my-api/environments/${env}/providers/system/secrets/DEPLOY_TOKEN`, { value: `deploy-${env}` })).status).toBeLessThan(300);
  }
  const github = await h.api('POST', `${V1}/environments/${envIds.production}/trust-domains`, {
    name: 'GitHub Actions CI',
    provider: 'GitHub',
    issuer: issuer.issuer,
    audience: AUDIENCE,
    settings: { repository: 'octo-org/app', branch: 'main' },
  });
  expect(github.status, JSON.stringify(github.body)).toBe(201);
  const k8s = await h.api('POST', `${V1}/environments/${envIds.cluster}/trust-domains`, {
    name: 'K8s Production',
    provider: 'Kubernetes',
    issuer: issuer.issuer,
    audience: 'keygate',
    settings: { serviceAccount: 'payments/api' },
  });
  expect(k8s.status, JSON.stringify(k8s.body)).toBe(201);
});
afterAll(async () => {
  await h?.close();
  await issuer?.close();
  await new Promise<void>((resolve) => (actions ? actions.close(() => resolve()) : resolve()));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('keyless in GitHub Actions', () => {
  const actionsEnv = () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: actionsUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, KEYGATE_OIDC_AUDIENCE: AUDIENCE });

  it('pulls with no key: the job token is exchanged, and the key scope names the project and environment', async () => {
    const result = await keygate(['pull', '-o', '-'], actionsEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('DEPLOY_TOKEN=deploy-production\n');
    expect(audiencesAsked.at(-1)).toBe(AUDIENCE);

    const run = await keygate(['run', '-p', 'my-api', '-e', 'production', '--', process.execPath, '-e', 'process.stdout.write(process.env.DEPLOY_TOKEN)'], actionsEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('deploy-production');

    // exec hands the exchanged short-lived key to the program, never a long-lived one.
    const exec = await keygate(['exec', '--', process.execPath, '-e', 'process.stdout.write(process.env.KEYGATE_API_KEY.slice(0, 4))'], actionsEnv());
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toBe('bax-');

    const who = await keygate(['whoami', '--json'], actionsEnv());
    expect(JSON.parse(who.stdout)).toMatchObject({ kind: 'api-key', role: 'Consumer', projectSlug: 'my-api', environmentSlug: 'production', source: 'the key exchanged for GitHub Actions OIDC token' });

    const rows = await h.host.services.knex('audit_events').where({ action: 'trust.exchange', outcome: 'success' }).count<Array<{ count: string }>>({ count: '*' });
    expect(Number(rows[0]!.count)).toBeGreaterThanOrEqual(4);
  });

  it('defaults the audience to the gateway URL and explains a refusal', async () => {
    const { KEYGATE_OIDC_AUDIENCE: _unused, ...withoutAudience } = actionsEnv();
    const result = await keygate(['pull', '-o', '-'], withoutAudience);
    expect(audiencesAsked.at(-1)).toBe(h.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the gateway did not accept GitHub Actions OIDC token \(.*\)\nhint: is there a trust domain for this workload, with audience "http:\/\/127\.0\.0\.1:\d+" \(KEYGATE_OIDC_AUDIENCE\)\?/);
  });

  it('says so when the job may not get a token', async () => {
    const result = await keygate(['pull', '-o', '-'], { ...actionsEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GitHub Actions refused an OIDC token \(HTTP 401\)\nhint: does the job have "permissions: id-token: write"\?/);
  });

  it('prefers a configured key over the ambient identity', async () => {
    const before = audiencesAsked.length;
    const result = await keygate(['pull', '-p', 'my-api', '-e', 'cluster', '-o', '-'], { ...actionsEnv(), KEYGATE_API_KEY: h.apiKey });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('DEPLOY_TOKEN=deploy-cluster\n');
    expect(audiencesAsked.length).toBe(before);
  });
});

describe('keyless run --watch', () => {
  it('outlives its short-lived key: a refused key is replaced by a fresh exchange while polling', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: actionsUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, KEYGATE_OIDC_AUDIENCE: AUDIENCE };
    const child = spawn(
      process.execPath,
      [BIN, 'run', '-p', 'my-api', '-e', 'production', '--watch', '--poll-interval', '0.2', '--', process.execPath, '-e', "process.stdout.write('got ' + process.env.DEPLOY_TOKEN + '\\n'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);"],
      { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: h.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await until(() => out.includes('got deploy-production\n'));
      const exchanges = audiencesAsked.length;
      // Revoke every key of the environment, as an expiry would.
      const keys = await h.api('GET', `${V1}/environments/${envIds.production}/api-keys`);
      for (const key of (keys.body as { items: Array<{ id: string }> }).items) {
        expect((await h.api('DELETE', `${V1}/environments/${envIds.production}/api-keys/${key.id}`)).status).toBe(204);
      }
      await until(() => audiencesAsked.length > exchanges);
      expect((await h.api('PUT', `${V1}/projects/my-api/environments/production/providers/system/secrets/DEPLOY_TOKEN`, { value: 'deploy-next' })).status).toBeLessThan(300);
      await until(() => out.includes('got deploy-next\n'));
      expect(out).not.toMatch(/warning/);
    } finally {
      child.kill('SIGTERM');
      await done;
      await h.api('PUT', `${V1}/projects/my-api/environments/production/providers/system/secrets/DEPLOY_TOKEN`, { value: 'deploy-production' });
    }
  });
});

describe('keyless in Kubernetes', () => {
  it('exchanges the service-account token file', async () => {
    const tokenFile = join(work, 'sa-token');
    const pod = { sub: 'system:serviceaccount:payments:api', 'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api' } } };
    await writeFile(tokenFile, `${await issuer.mint(pod, { audience: 'keygate' })}\n`);
    const result = await keygate(['pull', '-o', '-'], { KEYGATE_OIDC_TOKEN_FILE: tokenFile });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('DEPLOY_TOKEN=deploy-cluster\n');

    const missing = await keygate(['pull', '-o', '-'], { KEYGATE_OIDC_TOKEN_FILE: join(work, 'nope') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read the OIDC token file .*nope: ENOENT/);
  });
});
