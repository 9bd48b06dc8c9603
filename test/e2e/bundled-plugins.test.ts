/**
 * A host started with no keygate.yaml has its bundled plugins: the HttpRest provider type, the
 * rotation strategies and the identity providers that trust domains name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
let h: TestHost;

beforeAll(async () => {
  h = await startTestHost();
});
afterAll(async () => {
  await h?.close();
});

describe('bundled plugins', () => {
  it('offer the HttpRest provider type in the catalog', async () => {
    const catalog = await h.api('GET', `${base}/providers/catalog`);
    expect(catalog.status).toBe(200);
    const types = ((catalog.body as Json).types as Json[]).map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(['Local', 'HttpRest']));
    // Cloud providers stay opt-in.
    expect(types).not.toContain('AwsSecretsManager');
  });

  it('accept trust domains of every built-in identity provider and rotation policies of both strategies', async () => {
    expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
    const env = await h.api('POST', `${base}/projects/app/environments`, { name: 'prod' });
    const environmentId = (env.body as Json).id as string;
    const domains: Json[] = [
      { name: 'gh', provider: 'GitHub', audience: 'https://keygate.test', settings: { repositoryId: '74' } },
      { name: 'k8s', provider: 'Kubernetes', issuer: 'https://cluster.example', audience: 'https://keygate.test', settings: { serviceAccount: 'apps/api' } },
      { name: 'oidc', provider: 'OIDC', issuer: 'https://issuer.example', audience: 'https://keygate.test', claimRules: [{ claim: 'sub', operator: 'Equals', value: 'svc' }] },
    ];
    for (const domain of domains) {
      const created = await h.api('POST', `${base}/environments/${environmentId}/trust-domains`, domain);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const secret = `${base}/projects/app/environments/prod/providers/system/secrets/TOKEN`;
    expect((await h.api('PUT', secret, { value: 'v' })).status).toBe(200);
    expect((await h.api('PUT', `${secret}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'uuid' })).status).toBe(201);
    expect((await h.api('PUT', `${secret}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: 'https://rotate.example/fn' })).status).toBe(200);
  });
});
