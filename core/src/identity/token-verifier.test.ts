import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../contracts/services.js';
import { createTestHttpClient } from '../testing/http-client.js';
import { startTestOidcIssuer, type TestOidcIssuer } from '../testing/identity/oidc-issuer.js';
import { isIdentityRejection } from './rejection.js';
import { OidcTokenVerifier } from './token-verifier.js';

const AUDIENCE = 'https://keygate.test';

/** A client that can be switched off, as an issuer that goes down. */
function switchable(): HttpClient & { down: boolean; urls: string[] } {
  const inner = createTestHttpClient();
  const client = {
    down: false,
    urls: [] as string[],
    request: async (request: Parameters<HttpClient['request']>[0]) => {
      client.urls.push(request.url);
      if (client.down) throw new Error('connection refused');
      return inner.request(request);
    },
  };
  return client;
}

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isIdentityRejection(error) ? error.reason : String(error);
}

describe('OidcTokenVerifier', () => {
  let issuer: TestOidcIssuer;
  beforeAll(async () => {
    issuer = await startTestOidcIssuer();
  });
  afterAll(() => issuer?.close());

  it('fetches discovery and JWKS through the given client only, once while the cache is fresh', async () => {
    const http = switchable();
    const verifier = new OidcTokenVerifier({ http });
    for (let i = 0; i < 3; i++) await verifier.verify(await issuer.mint({ sub: 's' }, { audience: AUDIENCE }), { issuer: issuer.issuer, audience: AUDIENCE });
    expect(http.urls).toEqual([`${issuer.issuer}/.well-known/openid-configuration`, `${issuer.issuer}/jwks`]);
  });

  it('refetches stale keys, and keeps using them for a while when the issuer is down', async () => {
    const http = switchable();
    let now = Date.now();
    const verifier = new OidcTokenVerifier({ http, clock: { now: () => new Date(now) }, maxAgeMs: 1000, maxStaleMs: 60_000 });
    const token = () => issuer.mint({ sub: 's' }, { audience: AUDIENCE });
    await verifier.verify(await token(), { issuer: issuer.issuer, audience: AUDIENCE });
    now += 2000;
    http.down = true;
    await expect(verifier.verify(await token(), { issuer: issuer.issuer, audience: AUDIENCE })).resolves.toBeDefined();
    expect(http.urls.length).toBe(3);
    now += 120_000;
    expect(await reason(verifier.verify(await token(), { issuer: issuer.issuer, audience: AUDIENCE }))).toBe('issuer-unavailable');
  });

  it('refuses an issuer whose discovery document names another issuer', async () => {
    const http: HttpClient = {
      request: (request) => createTestHttpClient().request(request).then((response) => {
        if (!request.url.endsWith('/openid-configuration')) return response;
        const body = Buffer.from(JSON.stringify({ ...(response.json() as object), issuer: 'https://elsewhere.example' }));
        return { ...response, body, text: () => body.toString(), json: () => JSON.parse(body.toString()) as unknown };
      }),
    };
    const verifier = new OidcTokenVerifier({ http });
    expect(await reason(verifier.verify(await issuer.mint({ sub: 's' }, { audience: AUDIENCE }), { issuer: issuer.issuer, audience: AUDIENCE }))).toBe('issuer-unavailable');
  });

  it('refuses malformed and oversized tokens before any fetch', async () => {
    const http = switchable();
    const verifier = new OidcTokenVerifier({ http, maxTokenBytes: 100 });
    expect(await reason(verifier.verify('a.b', { issuer: issuer.issuer, audience: AUDIENCE }))).toBe('malformed');
    expect(await reason(verifier.verify('x'.repeat(101), { issuer: issuer.issuer, audience: AUDIENCE }))).toBe('malformed');
    expect(await reason(verifier.verify('e30.e30.sig', { issuer: issuer.issuer, audience: AUDIENCE }))).toBe('algorithm-not-allowed');
    expect(http.urls).toEqual([]);
  });

  it('requires exp and iat', async () => {
    const verifier = new OidcTokenVerifier({ http: createTestHttpClient() });
    const expected = { issuer: issuer.issuer, audience: AUDIENCE };
    expect(await reason(verifier.verify(await issuer.mint({ sub: 's' }, { audience: AUDIENCE, omitClaims: ['exp'] }), expected))).toBe('missing-claim');
    expect(await reason(verifier.verify(await issuer.mint({ sub: 's' }, { audience: AUDIENCE, omitClaims: ['iat'] }), expected))).toBe('missing-claim');
  });
});
