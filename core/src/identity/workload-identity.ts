import { createHash } from 'node:crypto';
import type { ClaimRule, IdentityCheck, TrustDomainRules, VerifiedIdentity } from '../contracts/identity.js';
import { evaluateClaimRules } from './claim-rules.js';
import { globLiteralPrefix } from './glob.js';
import { IdentityRejectedError } from './rejection.js';
import type { OidcTokenVerifier } from './token-verifier.js';

export interface WorkloadCheckOptions {
  /** Rules the provider derives from its settings (a GitHub repository, a service account). */
  derivedRules?: readonly ClaimRule[];
  /** A last check against the verified claims (Kubernetes TokenReview); throw to refuse. */
  finalCheck?: (claims: Record<string, unknown>) => Promise<IdentityCheck>;
}

/**
 * The common verification of every identity provider: the token itself, then the provider's
 * derived rules and the domain's claim rules, all of which must pass. The refusal lists every
 * rule's outcome, not only the first failure, so an administrator sees all that is wrong at once.
 */
export async function verifyWorkloadToken(
  verifier: OidcTokenVerifier,
  token: string,
  rules: TrustDomainRules,
  options: WorkloadCheckOptions = {},
): Promise<VerifiedIdentity> {
  const verified = await verifier.verify(token, { issuer: rules.issuer, audience: rules.audience });
  const checks = [...verified.checks, ...evaluateClaimRules([...(options.derivedRules ?? []), ...rules.claimRules], verified.claims)];
  const failed = checks.filter((check) => !check.passed);
  if (failed.length > 0) throw new IdentityRejectedError('claim-mismatch', failed.map((check) => check.detail).join('; '), checks);
  if (options.finalCheck) {
    let final: IdentityCheck;
    try {
      final = await options.finalCheck(verified.claims);
    } catch (error) {
      final = { check: 'tokenReview', passed: false, detail: error instanceof Error ? error.message : String(error) };
    }
    checks.push(final);
    if (!final.passed) throw new IdentityRejectedError('token-review-failed', final.detail, checks);
  }
  const subject = typeof verified.claims.sub === 'string' ? verified.claims.sub : '';
  return {
    subject,
    claims: verified.claims,
    tokenId: tokenIdOf(verified.claims, token),
    expiresAt: verified.expiresAt,
    checks,
  };
}

/**
 * The id replays are refused by: the `jti` claim, or, for issuers that send none, a hash of the
 * whole token (the same token presented twice is a replay either way).
 */
export function tokenIdOf(claims: Record<string, unknown>, token: string): string {
  if (typeof claims.jti === 'string' && claims.jti !== '' && claims.jti.length <= 200) return `jti:${claims.jti}`;
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

/**
 * Whether a rule pins a claim to something narrower than "anything": `Equals`, or `StartsWith` /
 * `Glob` with a literal beginning that contains `minimalPrefix` (e.g. `repo:` plus an owner and
 * `/`). `Contains` never binds: it can match inside any value.
 */
export function bindsClaim(rule: ClaimRule, claims: readonly string[], literalPrefixMatches: (prefix: string) => boolean = (p) => p.length > 0): boolean {
  if (!claims.includes(rule.claim)) return false;
  switch (rule.operator) {
    case 'Equals':
      return rule.value !== '';
    case 'StartsWith':
      return literalPrefixMatches(rule.value);
    case 'Glob':
      return literalPrefixMatches(globLiteralPrefix(rule.value));
    case 'Contains':
      return false;
  }
}
