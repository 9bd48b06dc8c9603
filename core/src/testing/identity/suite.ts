import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { IdentityProvider, IdentityProviderType, TrustDomainRules } from '../../contracts/identity.js';
import type { PluginServices } from '../../contracts/services.js';
import { isIdentityRejection, type IdentityRejectionReason } from '../../identity/rejection.js';
import { createTestPluginServices } from '../services.js';
import { createTestHttpClient } from '../http-client.js';
import { startTestOidcIssuer, type TestOidcIssuer } from './oidc-issuer.js';

export interface IdentityProviderHarness {
  type: IdentityProviderType;
  /** Rules of a trust domain for tokens of `issuer` that accept {@link validClaims}. */
  rules(issuer: string, audience: string): TrustDomainRules;
  /** Claims of a token the rules accept (iss, aud, iat, exp and jti are added). */
  validClaims(): JWTPayload;
  /** Tokens that look right but differ in one bound claim: each must be refused as `claim-mismatch`. */
  mismatches: Array<{ name: string; claims: JWTPayload }>;
  /** Rules that bind no subject: `checkRules` must find a problem in each. */
  unboundRules?: Array<{ name: string; rules: (issuer: string, audience: string) => TrustDomainRules }>;
  /** Services for the provider (the HTTP client defaults to a plain loopback-capable one). */
  services?: () => Partial<PluginServices>;
}

const AUDIENCE = 'https://keygate.test';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Registers the IdentityProvider conformance suite: a real OIDC issuer on a loopback port mints
 * tokens, and every attack a trust domain must withstand is refused with its reason.
 */
export function describeIdentityProviderConformance(name: string, harness: IdentityProviderHarness): void {
  describe(`IdentityProvider conformance: ${name}`, () => {
    let issuer: TestOidcIssuer;
    let rules: TrustDomainRules;
    const fresh = (): Promise<IdentityProvider> => harness.type.create(createTestPluginServices({ http: createTestHttpClient(), ...harness.services?.() }));
    const mint = (claims: JWTPayload = harness.validClaims(), options: Parameters<TestOidcIssuer['mint']>[1] = {}) => issuer.mint(claims, { audience: AUDIENCE, ...options });
    const refused = async (provider: IdentityProvider, token: string, reason: IdentityRejectionReason) => {
      const error: unknown = await provider.verify(token, rules).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, `a token refused as ${reason}`).toBeDefined();
      expect(isIdentityRejection(error) ? error.reason : error).toBe(reason);
      expect((error as { code?: unknown }).code).toBe('UNAUTHENTICATED');
      expect((error as Error).message).not.toContain(token);
    };

    beforeAll(async () => {
      issuer = await startTestOidcIssuer();
      rules = harness.rules(issuer.issuer, AUDIENCE);
    });
    afterAll(() => issuer?.close());

    it('accepts a valid token and says who it is', async () => {
      const provider = await fresh();
      const claims = harness.validClaims();
      const identity = await provider.verify(await mint(claims, { jti: 'conformance-jti-1' }), rules);
      expect(identity.subject).toBe(claims.sub);
      expect(identity.tokenId).toBe('jti:conformance-jti-1');
      expect(identity.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(identity.checks?.every((check) => check.passed)).toBe(true);
    });

    it('finds a token id without a jti (a hash of the token)', async () => {
      const identity = await (await fresh()).verify(await mint(harness.validClaims(), { jti: null }), rules);
      expect(identity.tokenId).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('refuses alg "none"', async () => {
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...harness.validClaims(), iss: issuer.issuer, aud: AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 })}.`;
      await refused(await fresh(), token, 'algorithm-not-allowed');
    });

    it('refuses HS256 signed with the issuer\'s public key', async () => {
      const pem = await exportSPKI((await importJWK(issuer.publicJwk(), 'RS256', { extractable: true })) as CryptoKey);
      const token = await new SignJWT({ ...harness.validClaims(), iss: issuer.issuer, aud: AUDIENCE })
        .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(pem));
      await refused(await fresh(), token, 'algorithm-not-allowed');
    });

    it('refuses a forged signature', async () => {
      const [header, , signature] = (await mint()).split('.');
      const payload = b64({ ...harness.validClaims(), sub: 'forged', iss: issuer.issuer, aud: AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 });
      await refused(await fresh(), `${header}.${payload}.${signature}`, 'bad-signature');
    });

    it('refuses a key the issuer does not publish, refetching its keys at most once per cooldown', async () => {
      const provider = await fresh();
      await provider.verify(await mint(), rules);
      const before = issuer.requests.jwks;
      await refused(provider, await mint(harness.validClaims(), { unpublishedKid: 'attacker-1' }), 'unknown-key');
      expect(issuer.requests.jwks).toBe(before + 1);
      await refused(provider, await mint(harness.validClaims(), { unpublishedKid: 'attacker-2' }), 'unknown-key');
      expect(issuer.requests.jwks).toBe(before + 1);
    });

    it('follows a key rotation', async () => {
      const provider = await fresh();
      await provider.verify(await mint(), rules);
      await issuer.rotate();
      await expect(provider.verify(await mint(), rules)).resolves.toMatchObject({ subject: harness.validClaims().sub });
    });

    it('refuses another issuer, without fetching anything', async () => {
      const provider = await fresh();
      const before = issuer.requests.discovery;
      await refused(provider, await mint(harness.validClaims(), { issuer: 'https://evil.example' }), 'wrong-issuer');
      expect(issuer.requests.discovery).toBe(before);
    });

    it('refuses a wrong or missing audience', async () => {
      const provider = await fresh();
      await refused(provider, await mint(harness.validClaims(), { audience: 'https://other.example' }), 'wrong-audience');
      await refused(provider, await mint(harness.validClaims(), { audience: null }), 'wrong-audience');
    });

    it('refuses an expired token and one not yet valid', async () => {
      const provider = await fresh();
      await refused(provider, await mint(harness.validClaims(), { expiresIn: -120, issuedAt: -600 }), 'expired');
      await refused(provider, await mint(harness.validClaims(), { notBefore: 600 }), 'not-yet-valid');
      await refused(provider, await mint(harness.validClaims(), { issuedAt: 600, expiresIn: 900 }), 'not-yet-valid');
    });

    it('accepts a small clock difference', async () => {
      await expect((await fresh()).verify(await mint(harness.validClaims(), { notBefore: 5 }), rules)).resolves.toBeDefined();
    });

    for (const mismatch of harness.mismatches) {
      it(`refuses a token whose claims do not match: ${mismatch.name}`, async () => {
        await refused(await fresh(), await mint(mismatch.claims), 'claim-mismatch');
      });
    }

    for (const unbound of harness.unboundRules ?? []) {
      it(`refuses rules that bind no subject: ${unbound.name}`, () => {
        expect(harness.type.checkRules?.(unbound.rules(issuer.issuer, AUDIENCE)) ?? []).not.toEqual([]);
      });
    }

    it('finds nothing wrong with its own rules', () => {
      expect(harness.type.checkRules?.(rules) ?? []).toEqual([]);
    });
  });
}
