import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttpClient, createTestPluginServices, describeIdentityProviderConformance, startTestOidcIssuer, type TestOidcIssuer } from '@keygate/core/testing';
import { isIdentityRejection } from '@keygate/core/identity';
import plugin, { checkKubernetesRules, kubernetesIdentityType } from './index.js';

const claims = () => ({
  sub: 'system:serviceaccount:payments:api',
  'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api', uid: 'c0ffee' }, pod: { name: 'api-7d9', uid: 'beef' } },
});

describeIdentityProviderConformance('Kubernetes', {
  type: kubernetesIdentityType,
  rules: (issuer, audience) => ({ issuer, audience, settings: { serviceAccount: 'payments/api' }, claimRules: [] }),
  validClaims: claims,
  mismatches: [
    { name: 'another service account', claims: { ...claims(), sub: 'system:serviceaccount:payments:worker', 'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'worker' } } } },
    { name: 'a sub that looks right with another namespace claim', claims: { ...claims(), 'kubernetes.io': { namespace: 'payments-dev', serviceaccount: { name: 'api' } } } },
    { name: 'no kubernetes.io claims', claims: { sub: 'system:serviceaccount:payments:api' } },
  ],
  unboundRules: [
    { name: 'no service account', rules: (issuer, audience) => ({ issuer, audience, settings: {}, claimRules: [] }) },
    { name: 'a wildcard service account', rules: (issuer, audience) => ({ issuer, audience, settings: { serviceAccount: 'payments/*' }, claimRules: [] }) },
  ],
});

describe('the Kubernetes plugin with TokenReview', () => {
  let issuer: TestOidcIssuer;
  let apiServer: Server;
  let apiServerUrl: string;
  const reviews: Array<{ authorization: string | undefined; body: { spec?: { token?: string; audiences?: string[] } } }> = [];
  /** Tokens the fake API server no longer authenticates (their pod was deleted). */
  const revoked = new Set<string>();

  beforeAll(async () => {
    issuer = await startTestOidcIssuer();
    // The TokenReview endpoint of an API server: authenticates a token unless it was revoked.
    apiServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/apis/authentication.k8s.io/v1/tokenreviews') return void res.writeHead(404).end();
        const review = JSON.parse(body) as { spec?: { token?: string; audiences?: string[] } };
        reviews.push({ authorization: req.headers.authorization, body: review });
        const token = review.spec?.token ?? '';
        const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string };
        const status = revoked.has(token) ? { authenticated: false, error: 'pod deleted' } : { authenticated: true, user: { username: payload.sub } };
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status }));
      });
    });
    await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
    apiServerUrl = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await issuer?.close();
    await new Promise((resolve) => apiServer?.close(resolve));
  });

  const rules = () => ({ issuer: issuer.issuer, audience: 'keygate', settings: { serviceAccount: 'payments/api', tokenReview: { apiServerUrl } }, claimRules: [] });

  it('asks the API server, authenticating the review with the token itself', async () => {
    const provider = await kubernetesIdentityType.create(createTestPluginServices({ http: createTestHttpClient() }));
    const token = await issuer.mint(claims(), { audience: 'keygate' });
    const identity = await provider.verify(token, rules());
    expect(identity.subject).toBe('system:serviceaccount:payments:api');
    expect(identity.checks?.at(-1)).toMatchObject({ check: 'tokenReview', passed: true });
    expect(reviews.at(-1)).toEqual({ authorization: `Bearer ${token}`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['keygate'] } } });
  });

  it('refuses a token the API server no longer authenticates', async () => {
    const provider = await kubernetesIdentityType.create(createTestPluginServices({ http: createTestHttpClient() }));
    const token = await issuer.mint(claims(), { audience: 'keygate' });
    revoked.add(token);
    const error: unknown = await provider.verify(token, rules()).catch((caught: unknown) => caught);
    expect(isIdentityRejection(error) && error.reason).toBe('token-review-failed');
  });

  it('refuses when the API server cannot be reached', async () => {
    const provider = await kubernetesIdentityType.create(createTestPluginServices({ http: createTestHttpClient() }));
    const token = await issuer.mint(claims(), { audience: 'keygate' });
    const error: unknown = await provider.verify(token, { ...rules(), settings: { serviceAccount: 'payments/api', tokenReview: { apiServerUrl: 'http://127.0.0.1:1' } } }).catch((caught: unknown) => caught);
    expect(isIdentityRejection(error) && error.reason).toBe('token-review-failed');
  });

  it('explains a missing service account', () => {
    expect(plugin.provides.map((p) => `${p.kind}:${p.type}`)).toEqual(['identity:Kubernetes']);
    const [problem] = checkKubernetesRules({ issuer: 'https://k8s.example', audience: 'a', settings: { serviceAccount: 'payments' }, claimRules: [] });
    expect(problem).toMatchObject({ field: 'settings.serviceAccount' });
  });
});
