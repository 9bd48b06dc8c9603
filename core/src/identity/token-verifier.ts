import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { IdentityCheck } from '../contracts/identity.js';
import type { Clock } from '../contracts/services.js';
import { JwksCache, type JwksCacheOptions } from './jwks-cache.js';
import { IdentityRejectedError, type IdentityRejectionReason } from './rejection.js';

/** Asymmetric signature algorithms only: `none` and the HMAC family are never accepted. */
export const ALLOWED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];

export interface TokenVerifierOptions extends JwksCacheOptions {
  /** Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds (default 30). */
  leewaySeconds?: number;
  /** Longer tokens are refused before anything else is done (default 16 KiB). */
  maxTokenBytes?: number;
}

export interface ExpectedToken {
  /** Pinned: the token's `iss` must be exactly this. */
  issuer: string;
  /** Required: the token's `aud` must be or contain this. */
  audience: string;
}

export interface VerifiedToken {
  header: ProtectedHeaderParameters;
  claims: JWTPayload & Record<string, unknown>;
  expiresAt: Date;
  checks: IdentityCheck[];
}

/**
 * Verifies OIDC JWTs: compact JWS only, an allowed asymmetric algorithm, the pinned issuer (checked
 * before any key is fetched, so a token of a stranger costs nothing), a signature by one of the
 * issuer's published keys, the audience, and `exp` (required), `nbf` and `iat` (required, not in
 * the future) with a small leeway.
 */
export class OidcTokenVerifier {
  readonly #jwks: JwksCache;
  readonly #clock: Clock;
  readonly #leeway: number;
  readonly #maxBytes: number;

  constructor(options: TokenVerifierOptions) {
    this.#jwks = new JwksCache(options);
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#leeway = options.leewaySeconds ?? 30;
    this.#maxBytes = options.maxTokenBytes ?? 16_384;
  }

  async verify(token: string, expected: ExpectedToken): Promise<VerifiedToken> {
    const checks: IdentityCheck[] = [];
    const fail = (reason: IdentityRejectionReason, check: string, detail: string): never => {
      checks.push({ check, passed: false, detail });
      throw new IdentityRejectedError(reason, detail, checks);
    };

    if (token.length > this.#maxBytes) fail('malformed', 'format', `the token is longer than ${this.#maxBytes} bytes`);
    if (token.split('.').length !== 3) fail('malformed', 'format', 'the token is not a signed JWT (compact JWS with three parts)');
    let header: ProtectedHeaderParameters;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return fail('malformed', 'format', 'the token is not a decodable JWT');
    }
    if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
      fail('algorithm-not-allowed', 'algorithm', `the algorithm ${JSON.stringify(header.alg ?? null)} is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')})`);
    }
    checks.push({ check: 'algorithm', passed: true, detail: `${header.alg} is an allowed asymmetric algorithm` });
    if (unverified.iss !== expected.issuer) fail('wrong-issuer', 'issuer', `the issuer is ${JSON.stringify(unverified.iss ?? null)}, not ${JSON.stringify(expected.issuer)}`);
    checks.push({ check: 'issuer', passed: true, detail: `the issuer is ${expected.issuer}` });

    let verified: JWTPayload;
    try {
      const keys = await this.#jwks.keysFor(expected.issuer, header.kid);
      const result = await jwtVerify(token, keys, {
        issuer: expected.issuer,
        audience: expected.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: this.#leeway,
        requiredClaims: ['exp', 'iat'],
        currentDate: this.#clock.now(),
      });
      verified = result.payload;
    } catch (error) {
      if (error instanceof IdentityRejectedError) {
        checks.push(...error.checks);
        throw new IdentityRejectedError(error.reason, error.message, checks);
      }
      const [reason, check, detail] = classify(error, header, expected);
      if (reason !== 'unknown-key' && reason !== 'bad-signature' && reason !== 'malformed' && reason !== 'algorithm-not-allowed') {
        // Claims are validated after the signature: it was good.
        checks.push({ check: 'signature', passed: true, detail: `signed by key ${JSON.stringify(header.kid ?? null)} of the issuer` });
      }
      // jose checks the audience before the time claims.
      if (check === 'lifetime' && reason !== 'missing-claim') checks.push({ check: 'audience', passed: true, detail: `the audience includes ${JSON.stringify(expected.audience)}` });
      return fail(reason, check, detail);
    }
    checks.push({ check: 'signature', passed: true, detail: `signed by key ${JSON.stringify(header.kid ?? null)} of the issuer` });
    checks.push({ check: 'audience', passed: true, detail: `the audience includes ${JSON.stringify(expected.audience)}` });
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    if (typeof verified.iat === 'number' && verified.iat > now + this.#leeway) fail('not-yet-valid', 'lifetime', 'the token was issued in the future ("iat")');
    checks.push({ check: 'lifetime', passed: true, detail: `valid until ${new Date(verified.exp! * 1000).toISOString()}` });
    return { header, claims: verified as JWTPayload & Record<string, unknown>, expiresAt: new Date(verified.exp! * 1000), checks };
  }
}

function classify(error: unknown, header: ProtectedHeaderParameters, expected: ExpectedToken): [IdentityRejectionReason, string, string] {
  if (error instanceof errors.JWKSNoMatchingKey) return ['unknown-key', 'signature', `the issuer publishes no key ${JSON.stringify(header.kid ?? null)} for ${String(header.alg)}`];
  if (error instanceof errors.JWKSMultipleMatchingKeys) return ['unknown-key', 'signature', 'the token names no key id and the issuer publishes several keys'];
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['bad-signature', 'signature', 'the signature does not verify with the issuer\'s key'];
  if (error instanceof errors.JOSEAlgNotAllowed) return ['algorithm-not-allowed', 'algorithm', `the algorithm ${String(header.alg)} is not allowed`];
  if (error instanceof errors.JWTExpired) return ['expired', 'lifetime', 'the token has expired ("exp")'];
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return error.reason === 'missing'
          ? ['wrong-audience', 'audience', `the token has no audience; ${JSON.stringify(expected.audience)} is required`]
          : ['wrong-audience', 'audience', `the audience does not include ${JSON.stringify(expected.audience)}`];
      case 'nbf':
        return ['not-yet-valid', 'lifetime', 'the token is not valid yet ("nbf")'];
      case 'iss':
        return ['wrong-issuer', 'issuer', `the issuer is not ${JSON.stringify(expected.issuer)}`];
      default:
        return error.reason === 'missing'
          ? ['missing-claim', 'lifetime', `the token has no "${error.claim}" claim`]
          : ['malformed', 'format', `the "${error.claim}" claim is invalid`];
    }
  }
  if (error instanceof errors.JOSEError) return ['malformed', 'format', 'the token is not a valid signed JWT'];
  throw error;
}
