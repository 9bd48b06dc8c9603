export { globToRegExp, globLiteralPrefix } from './glob.js';
export { readClaim, evaluateClaimRule, evaluateClaimRules } from './claim-rules.js';
export { IdentityRejectedError, isIdentityRejection, type IdentityRejectionReason } from './rejection.js';
export { JwksCache, type JwksCacheOptions } from './jwks-cache.js';
export { OidcTokenVerifier, ALLOWED_ALGORITHMS, type TokenVerifierOptions, type ExpectedToken, type VerifiedToken } from './token-verifier.js';
export { verifyWorkloadToken, tokenIdOf, bindsClaim, type WorkloadCheckOptions } from './workload-identity.js';
export { claimRuleProblems } from './rule-problems.js';
