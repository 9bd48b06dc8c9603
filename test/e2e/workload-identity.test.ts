import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { startTestOidcIssuer, type MintOptions, type TestOidcIssuer } from '@keygate/core/testing';
import { createKeygateClient, exchangeOidcToken, KeygateApiError } from '@keygate/sdk';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const AUDIENCE = 'https://keygate.test';

let h: TestHost;
let issuer: TestOidcIssuer;
const envIds: Record<string, string> = {};

const github = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: 'repo:octo-org/app:ref:refs/heads/main',
  repository: 'octo-org/app',
  repository_id: '74',
  repository_owner: 'octo-org',
  repository_owner_id: '65',
  ref: 'refs/heads/main',
  event_name: 'push',
  ...overrides,
});
const mint = (claims: JWTPayload = github(), options: MintOptions = {}) => issuer.mint(claims, { audience: AUDIENCE, ...options });
const exchange = (oidcToken: string, extra: Json = {}) => h.api('POST', `${base}/token`, { oidcToken, ...extra }, { authorization: '' });
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function auditRows(): Promise<Array<{ outcome: string; tenant_id: string | null; details: Json; target: string }>> {
  return h.host.services.knex('audit_events').where({ action: 'trust.exchange' }).orderBy('seq', 'asc').select('outcome', 'tenant_id', 'details', 'target');
}

/** Refused with 401 and the reason, and audited as a denied exchange with that reason. */
async function expectRefused(token: string, reason: string, extra: Json = {}): Promise<void> {
  const before = (await auditRows()).length;
  const keysBefore = await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' });
  const res = await exchange(token, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect((res.body as Json).detail).toBe(`the token was not accepted (${reason})`);
  const rows = await auditRows();
  expect(rows.length).toBe(before + 1);
  expect(rows.at(-1)).toMatchObject({ outcome: 'denied', details: { reason } });
  expect(JSON.stringify(rows.at(-1))).not.toContain(token);
  const keysAfter = await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' });
  expect(keysAfter[0]!.count).toBe(keysBefore[0]!.count);
}

beforeAll(async () => {
  issuer = await startTestOidcIssuer();
  const dir = await mkdtemp(join(tmpdir(), 'keygate-identity-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(
    configFile,
    ['plugins:', '  - package: "@keygate/identity-github"', '  - package: "@keygate/identity-kubernetes"', '  - package: "@keygate/identity-oidc"', 'outbound:', '  allowLoopback: true', ''].join('\n'),
  );
  h = await startTestHost({ configPath: configFile });
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  for (const env of ['prod', 'staging', 'ops']) {
    const res = await h.api('POST', `${base}/projects/app/environments`, { name: env });
    expect(res.status).toBe(201);
    envIds[env] = (res.body as Json).id as string;
    expect((await h.api('PUT', `${base}/projects/app/environments/${env}/providers/system/secrets/DB_PASSWORD`, { value: `pw-${env}` })).status).toBe(200);
  }
});
afterAll(async () => {
  await h?.close();
  await issuer?.close();
});

const domainsOf = (env: string) => `${base}/environments/${envIds[env]}/trust-domains`;
const githubDomain = () => ({
  name: 'GitHub Actions CI',
  provider: 'GitHub',
  issuer: issuer.issuer,
  audience: AUDIENCE,
  settings: { repository: 'octo-org/app', repositoryId: '74', branch: 'main' },
  claimRules: [{ claim: 'event_name', operator: 'Equals', value: 'push' }],
});

describe('trust domains', () => {
  let id: string;

  it('creates, reads, lists and replaces a GitHub trust domain', async () => {
    const created = await h.api('POST', domainsOf('prod'), githubDomain());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ provider: 'GitHub', grantedRole: 'Consumer', issuedTokenTtlMinutes: 60, environmentId: envIds.prod });
    id = (created.body as Json).id as string;
    expect((await h.api('GET', `${domainsOf('prod')}/${id}`)).body).toEqual(created.body);
    expect((await h.api('GET', domainsOf('prod'))).body).toMatchObject({ total: 1, items: [{ id }] });
    const replaced = await h.api('PUT', `${domainsOf('prod')}/${id}`, { ...githubDomain(), description: 'deploys', issuedTokenTtlMinutes: 30 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ description: 'deploys', issuedTokenTtlMinutes: 30 });
  });

  it('defaults the GitHub issuer', async () => {
    const { issuer: _issuer, ...rest } = githubDomain();
    const res = await h.api('POST', domainsOf('staging'), { ...rest, name: 'default issuer' });
    expect(res.body).toMatchObject({ issuer: 'https://token.actions.githubusercontent.com' });
    expect((await h.api('DELETE', `${domainsOf('staging')}/${(res.body as Json).id as string}`)).status).toBe(204);
  });

  it('refuses a domain that would accept every repository, explaining why', async () => {
    const res = await h.api('POST', domainsOf('prod'), { ...githubDomain(), name: 'everyone', settings: { branch: 'main' }, claimRules: [{ claim: 'sub', operator: 'Glob', value: 'repo:*' }] });
    expect(res.status).toBe(400);
    expect((res.body as Json).detail).toMatch(/^settings: a GitHub trust domain must be bound to a repository or an owner.*every repository on GitHub/);
  });

  it('refuses unbound Kubernetes and OIDC domains, unknown providers, bad settings and issuers, naming the field', async () => {
    const k8s = await h.api('POST', domainsOf('prod'), { name: 'k', provider: 'Kubernetes', issuer: issuer.issuer, audience: AUDIENCE, settings: {} });
    expect(k8s.status).toBe(400);
    expect((k8s.body as Json).detail).toMatch(/^settings\.serviceAccount: is required/);
    const oidc = await h.api('POST', domainsOf('prod'), { name: 'o', provider: 'OIDC', issuer: issuer.issuer, audience: AUDIENCE, claimRules: [{ claim: 'project_path', operator: 'Equals', value: 'g/p' }] });
    expect(oidc.status).toBe(400);
    expect((oidc.body as Json).detail).toMatch(/^claimRules: .*"sub"/);
    const unknown = await h.api('POST', domainsOf('prod'), { ...githubDomain(), provider: 'Github' });
    expect((unknown.body as Json).detail).toMatch(/^provider: unknown identity provider "Github" \(did you mean "GitHub"\?\)/);
    const settings = await h.api('POST', domainsOf('prod'), { ...githubDomain(), name: 's', settings: { repositoryId: 'seventy-four' } });
    expect((settings.body as Json).detail).toMatch(/^settings\.repositoryId: /);
    const plain = await h.api('POST', domainsOf('prod'), { ...githubDomain(), name: 'p', issuer: 'http://issuer.example.com' });
    expect((plain.body as Json).detail).toMatch(/^issuer: must use https/);
    const operator = await h.api('POST', domainsOf('prod'), { ...githubDomain(), name: 'x', claimRules: [{ claim: 'sub', operator: 'Regex', value: '.*' }] });
    expect(operator.status).toBe(400);
    expect((operator.body as Json).detail).toMatch(/claimRules\[0\]\.operator/);
    expect((await h.api('GET', domainsOf('prod'))).body).toMatchObject({ total: 1 });
  });

  it('refuses a second domain of the same name (409) and hides other environments\' domains (404)', async () => {
    expect((await h.api('POST', domainsOf('prod'), githubDomain())).status).toBe(409);
    expect((await h.api('GET', `${domainsOf('staging')}/${id}`)).status).toBe(404);
    expect((await h.api('DELETE', `${domainsOf('staging')}/${id}`)).status).toBe(404);
  });

  it('is managed with the power to manage keys: an environment key sees nothing', async () => {
    const key = ((await h.api('POST', `${base}/environments/${envIds.prod}/api-keys`, { role: 'Member' })).body as Json).apiKey as string;
    expect((await h.api('GET', domainsOf('prod'), undefined, as(key))).status).toBe(404);
    expect((await h.api('POST', domainsOf('prod'), { ...githubDomain(), name: 'mine' }, as(key))).status).toBe(404);
    expect((await h.api('POST', `${domainsOf('prod')}/evaluate`, { token: await mint() }, as(key))).status).toBe(404);
  });
});

describe('the keyless exchange', () => {
  it('issues an expiring environment key that reads exactly its environment', async () => {
    const res = await exchange(await mint());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { token, expiresAt } = res.body as { token: string; expiresAt: string };
    expect(token).toMatch(/^bax-/);
    // The domain was replaced with a 30-minute lifetime.
    expect(Math.abs(new Date(expiresAt).getTime() - Date.now() - 30 * 60_000)).toBeLessThan(60_000);
    const read = await h.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, as(token));
    expect((read.body as Json).secrets).toEqual({ DB_PASSWORD: 'pw-prod' });
    expect((await h.api('GET', `${base}/projects/app/environments/staging/secrets`, undefined, as(token))).status).toBe(404);
    expect((await h.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/X`, { value: 'v' }, as(token))).status).toBe(404);
    expect((await h.api('GET', `${base}/keys/me`, undefined, as(token))).body).toMatchObject({ role: 'Consumer', projectSlug: 'app', environmentSlug: 'prod' });
    // Stored like every key: encrypted, never the plaintext.
    const keyId = token.split('-')[1]!;
    const row = await h.host.services.knex('api_keys').where({ key_id: keyId }).first<{ secret_ciphertext: string; client_name: string; expires_at: Date }>();
    expect(row!.secret_ciphertext).not.toContain(token.split('-')[2]!);
    expect(row!.client_name).toBe('trust-domain:GitHub Actions CI');
    expect(row!.expires_at.toISOString()).toBe(expiresAt);
    const audit = (await auditRows()).at(-1)!;
    expect(audit).toMatchObject({ outcome: 'success', details: { subject: 'repo:octo-org/app:ref:refs/heads/main', provider: 'GitHub', keyPrefix: expect.any(String) as string } });
  });

  it('answers the Bella-compatible exchange with the project and environment', async () => {
    const res = await h.api('POST', `${base}/trust/exchange`, { provider: 'GitHub', token: await mint() }, { authorization: '' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ apiKey: expect.stringMatching(/^bax-/) as string, projectSlug: 'app', environmentSlug: 'prod' });
    const other = await h.api('POST', `${base}/trust/exchange`, { provider: 'Kubernetes', token: await mint() }, { authorization: '' });
    expect(other.status).toBe(401);
  });

  it('follows a key rotation of the issuer', async () => {
    await issuer.rotate({ dropOld: true });
    expect((await exchange(await mint())).status).toBe(200);
  });

  it('refuses a replayed token', async () => {
    const token = await mint();
    expect((await exchange(token)).status).toBe(200);
    await expectRefused(token, 'replayed');
  });

  it('issues one key for a token presented many times at once, and one key each for distinct tokens', async () => {
    const keysBefore = Number((await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' }))[0]!.count);
    const seq = () => h.host.services.knex('audit_events').max<Array<{ max: string | null }>>({ max: 'seq' });
    const seqBefore = Number((await seq())[0]!.max ?? 0);
    const token = await mint();
    const others = await Promise.all(Array.from({ length: 6 }, () => mint()));
    // Sent together, so that they share the issuing statement.
    const results = await Promise.all([...Array.from({ length: 6 }, () => exchange(token)), ...others.map((t) => exchange(t))]);
    const same = results.slice(0, 6);
    expect(same.filter((r) => r.status === 200)).toHaveLength(1);
    for (const refused of same.filter((r) => r.status !== 200)) {
      expect(refused.status).toBe(401);
      expect((refused.body as Json).detail).toBe('the token was not accepted (replayed)');
    }
    const distinct = results.slice(6);
    expect(distinct.map((r) => r.status)).toEqual(Array(6).fill(200));
    const issued = [same.find((r) => r.status === 200)!, ...distinct].map((r) => (r.body as { token: string }).token);
    expect(new Set(issued).size).toBe(7);
    const keysAfter = Number((await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' }))[0]!.count);
    expect(keysAfter - keysBefore).toBe(7);
    // Every key that was handed out works and has its success row; every refusal its denied row.
    for (const key of issued) expect((await h.api('GET', `${base}/keys/me`, undefined, as(key))).status).toBe(200);
    const rows = await h.host.services.knex('audit_events').where('seq', '>', seqBefore).where({ action: 'trust.exchange' }).select<Array<{ outcome: string; details: Json }>>('outcome', 'details');
    const prefixes = rows.filter((r) => r.outcome === 'success').map((r) => r.details.keyPrefix);
    expect(prefixes.sort()).toEqual(issued.map((key) => `bax-${key.split('-')[1]!}`).sort());
    expect(rows.filter((r) => r.outcome === 'denied').map((r) => r.details.reason)).toEqual(Array(5).fill('replayed'));
    expect(await h.host.services.audit.verifyChain()).toMatchObject({ ok: true });
  });

  it('refuses alg "none" and HS256 signed with the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...github(), iss: issuer.issuer, aud: AUDIENCE, iat: now, exp: now + 300, jti: 'none-1' };
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'algorithm-not-allowed');
    const pem = await exportSPKI((await importJWK(issuer.publicJwk(), 'RS256', { extractable: true })) as CryptoKey);
    const hs = await new SignJWT({ ...claims, jti: 'hs-1' }).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).sign(new TextEncoder().encode(pem));
    await expectRefused(hs, 'algorithm-not-allowed');
  });

  it('refuses an unknown key, a forged signature and another issuer', async () => {
    await expectRefused(await mint(github(), { unpublishedKid: 'attacker' }), 'unknown-key');
    const [header, , signature] = (await mint()).split('.');
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(`${header}.${b64({ ...github({ repository_id: '75' }), iss: issuer.issuer, aud: AUDIENCE, iat: now, exp: now + 300 })}.${signature}`, 'bad-signature');
    await expectRefused(await mint(github(), { issuer: 'https://token.actions.githubusercontent.com' }), 'no-trust-domain');
  });

  it('refuses a wrong or missing audience, an expired token and one not yet valid', async () => {
    await expectRefused(await mint(github(), { audience: 'https://other.example' }), 'wrong-audience');
    await expectRefused(await mint(github(), { audience: null }), 'wrong-audience');
    await expectRefused(await mint(github(), { expiresIn: -300, issuedAt: -900 }), 'expired');
    await expectRefused(await mint(github(), { notBefore: 900 }), 'not-yet-valid');
  });

  it('refuses a sub that looks right from another repository_id (a re-created repository)', async () => {
    await expectRefused(await mint(github({ repository_id: '9999' })), 'claim-mismatch');
    const row = (await auditRows()).at(-1)!;
    expect(JSON.stringify(row.details)).toMatch(/repository_id.*9999/);
  });

  it('refuses a mismatch of each rule operator', async () => {
    const oidc = {
      name: 'operators',
      provider: 'OIDC',
      issuer: issuer.issuer,
      audience: AUDIENCE,
      claimRules: [
        { claim: 'sub', operator: 'StartsWith', value: 'project_path:g/p:' },
        { claim: 'project_path', operator: 'Equals', value: 'g/p' },
        { claim: 'ref', operator: 'Glob', value: 'refs/heads/*' },
        { claim: 'pipeline_source', operator: 'Contains', value: 'push' },
      ],
      grantedRole: 'Member',
    };
    expect((await h.api('POST', domainsOf('ops'), oidc)).status).toBe(201);
    const good = { sub: 'project_path:g/p:ref:main', project_path: 'g/p', ref: 'refs/heads/main', pipeline_source: 'push' };
    const ok = await exchange(await mint(good));
    expect(ok.status).toBe(200);
    const member = (ok.body as Json).token as string;
    expect((await h.api('PUT', `${base}/projects/app/environments/ops/providers/system/secrets/X`, { value: 'v' }, as(member))).status).toBe(200);
    await expectRefused(await mint({ ...good, sub: 'project_path:g/q:ref:main' }), 'claim-mismatch');
    await expectRefused(await mint({ ...good, project_path: 'g/p2' }), 'claim-mismatch');
    await expectRefused(await mint({ ...good, ref: 'refs/heads/team/x' }), 'claim-mismatch');
    await expectRefused(await mint({ ...good, pipeline_source: 'schedule' }), 'claim-mismatch');
  });

  it('exchanges a Kubernetes service-account token for its service account only', async () => {
    const domain = { name: 'k8s', provider: 'Kubernetes', issuer: issuer.issuer, audience: 'keygate', settings: { serviceAccount: 'payments/api' } };
    expect((await h.api('POST', domainsOf('ops'), domain)).status).toBe(201);
    const pod = (sa: string) => ({ sub: `system:serviceaccount:payments:${sa}`, 'kubernetes.io': { namespace: 'payments', serviceaccount: { name: sa } } });
    const res = await h.api('POST', `${base}/trust/exchange`, { provider: 'Kubernetes', token: await issuer.mint(pod('api'), { audience: 'keygate' }) }, { authorization: '' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ projectSlug: 'app', environmentSlug: 'ops' });
    // The GitHub and OIDC domains of the issuer refuse its audience; the Kubernetes domain came closest.
    await expectRefused(await issuer.mint(pod('worker'), { audience: 'keygate' }), 'claim-mismatch');
  });

  it('revokes the keys a trust domain issued when it is deleted', async () => {
    const domain = { name: 'batch', provider: 'OIDC', issuer: issuer.issuer, audience: 'batch-jobs', claimRules: [{ claim: 'sub', operator: 'Equals', value: 'job:nightly' }] };
    const created = await h.api('POST', domainsOf('ops'), domain);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as Json).id as string;
    const keys = await Promise.all(
      [1, 2].map(async () => {
        const res = await exchange(await issuer.mint({ sub: 'job:nightly' }, { audience: 'batch-jobs' }));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return (res.body as Json).token as string;
      }),
    );
    for (const key of keys) expect((await h.api('GET', `${base}/projects/app/environments/ops/secrets`, undefined, as(key))).status).toBe(200);
    expect((await h.api('DELETE', `${domainsOf('ops')}/${id}`)).status).toBe(204);
    // Key lookups are cached; the deletion reaches the cache through the change feed.
    const deadline = Date.now() + 2000;
    let statuses: number[];
    do {
      statuses = await Promise.all(keys.map(async (key) => (await h.api('GET', `${base}/projects/app/environments/ops/secrets`, undefined, as(key))).status));
    } while (statuses.some((status) => status !== 401) && Date.now() < deadline);
    expect(statuses).toEqual([401, 401]);
    expect(await h.host.services.knex('api_keys').where({ trust_domain_id: id }).count<Array<{ count: string }>>({ count: '*' })).toEqual([{ count: '0' }]);
    const row = await h.host.services.knex('audit_events').where({ action: 'trustDomain.delete', target: id }).first<{ details: Json }>();
    expect(row?.details).toMatchObject({ name: 'batch', revokedKeys: 2 });
  });

  it('refuses garbage cheaply: an audit row and nothing else', async () => {
    const seen = await h.host.services.knex('seen_workload_tokens').count<Array<{ count: string }>>({ count: '*' });
    await expectRefused('not-a-jwt', 'malformed');
    await expectRefused(`${b64({ alg: 'RS256' })}.${b64({ iss: 'https://nobody.example' })}.x`, 'no-trust-domain');
    expect((await h.host.services.knex('seen_workload_tokens').count<Array<{ count: string }>>({ count: '*' }))[0]!.count).toBe(seen[0]!.count);
  });

  it('asks for the environment when a token satisfies domains of several', async () => {
    expect((await h.api('POST', domainsOf('staging'), { ...githubDomain(), name: 'staging CI' })).status).toBe(201);
    const token = await mint();
    const ambiguous = await exchange(token);
    expect(ambiguous.status).toBe(400);
    expect((ambiguous.body as Json).detail).toMatch(/several environments \(app\/prod, app\/staging\)/);
    const chosen = await exchange(token, { projectSlug: 'app', environmentSlug: 'staging' });
    expect(chosen.status).toBe(200);
    const key = (chosen.body as Json).token as string;
    expect(((await h.api('GET', `${base}/projects/app/environments/staging/secrets`, undefined, as(key))).body as Json).secrets).toEqual({ DB_PASSWORD: 'pw-staging' });
    expect((await h.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, as(key))).status).toBe(404);
  });

  it('never writes a token into the audit trail', async () => {
    const rows = await h.host.services.knex('audit_events').select('details', 'target', 'actor_id');
    expect(JSON.stringify(rows)).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});

describe('would this token be accepted?', () => {
  it('explains which rule failed, issuing nothing', async () => {
    const keys = await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' });
    const res = await h.api('POST', `${domainsOf('prod')}/evaluate`, { token: await mint(github({ repository_id: '9999' })) });
    expect(res.status).toBe(200);
    const evaluation = res.body as { accepted: boolean; domains: Array<{ accepted: boolean; reason: string; checks: Array<{ check: string; passed: boolean; detail: string }> }> };
    expect(evaluation).toMatchObject({ accepted: false, trustDomainId: null, replayed: false });
    const [domain] = evaluation.domains;
    expect(domain).toMatchObject({ accepted: false, reason: 'claim-mismatch' });
    expect(domain!.checks.find((check) => check.check === 'claim:repository_id')).toMatchObject({ passed: false, detail: expect.stringMatching(/"9999".*does not equal "74"/) as string });
    expect(domain!.checks.find((check) => check.check === 'signature')).toMatchObject({ passed: true });
    expect((await h.host.services.knex('api_keys').count<Array<{ count: string }>>({ count: '*' }))[0]!.count).toBe(keys[0]!.count);
  });

  it('accepts a valid token without consuming it, and reports a replay', async () => {
    const token = await mint();
    const before = await h.api('POST', `${domainsOf('prod')}/evaluate`, { token });
    expect(before.body).toMatchObject({ accepted: true, replayed: false, trustDomainId: expect.any(String) as string });
    expect((await exchange(token, { environmentSlug: 'prod' })).status).toBe(200);
    const after = await h.api('POST', `${domainsOf('prod')}/evaluate`, { token });
    expect(after.body).toMatchObject({ accepted: false, replayed: true });
  });
});

describe('@keygate/sdk exchangeOidcToken', () => {
  it('exchanges a token and reads the environment with the key, signed', async () => {
    const { apiKey, expiresAt } = await exchangeOidcToken({ url: h.url, oidcToken: await mint(), environmentSlug: 'prod' });
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
    const keygate = createKeygateClient({ baseUrl: h.url, apiKey });
    expect((await keygate.getEnvironmentSecrets('app', 'prod')).secrets).toEqual({ DB_PASSWORD: 'pw-prod' });
    const other = await keygate.getEnvironmentSecrets('app', 'staging').catch((error: unknown) => error);
    expect(other).toMatchObject({ status: 404 });
  });

  it('names the provider and learns where the key reads', async () => {
    const exchanged = await exchangeOidcToken({ url: h.url, oidcToken: await mint(), provider: 'GitHub', projectSlug: 'app', environmentSlug: 'prod' });
    expect(exchanged).toMatchObject({ apiKey: expect.stringMatching(/^bax-/) as string, projectSlug: 'app', environmentSlug: 'prod' });
  });

  it('throws a KeygateApiError with the reason when refused', async () => {
    const error = await exchangeOidcToken({ url: h.url, oidcToken: await mint(github(), { expiresIn: -300, issuedAt: -900 }) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeygateApiError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', detail: 'the token was not accepted (expired)' });
  });
});
