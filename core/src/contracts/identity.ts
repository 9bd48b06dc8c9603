import type { JsonSchema } from '../json-schema.js';
import type { PluginServices } from './services.js';

export interface ClaimRule {
  /** A claim name; a dotted path reaches into objects (`kubernetes.io.serviceaccount.name`). */
  claim: string;
  /** `Glob`: see `globToRegExp` in `@keygate/core/identity` for the exact syntax. */
  operator: 'Equals' | 'StartsWith' | 'Contains' | 'Glob';
  value: string;
}

/** The rules of a trust domain that a workload's token must satisfy. */
export interface TrustDomainRules {
  issuer: string;
  audience: string;
  claimRules: ClaimRule[];
  /** Provider-specific fields (e.g. GitHub repository, Kubernetes service account). */
  settings: Record<string, unknown>;
}

/** One step of a token's verification, as shown by the "would this token be accepted?" operation. */
export interface IdentityCheck {
  /** `algorithm`, `issuer`, `signature`, `audience`, `lifetime`, `claim:<name>`, `tokenReview`, … */
  check: string;
  passed: boolean;
  /** Why it passed or failed; never the token or a signature. */
  detail: string;
}

export interface VerifiedIdentity {
  subject: string;
  claims: Record<string, unknown>;
  /** Token id used to refuse replays within the token's lifetime. */
  tokenId?: string;
  expiresAt: Date;
  /** Every check the token passed, in order. */
  checks?: IdentityCheck[];
}

export interface IdentityProvider {
  /**
   * Raises `UNAUTHENTICATED` with the reason when the token does not satisfy the rules (an
   * `IdentityRejectedError` from `@keygate/core/identity`, which also lists the checks made).
   */
  verify(token: string, rules: TrustDomainRules): Promise<VerifiedIdentity>;
}

/** A problem with a trust domain's rules, naming the request field it concerns. */
export interface TrustRuleProblem {
  /** `claimRules`, `claimRules[0].value`, `settings.repository`, … */
  field: string;
  message: string;
}

export interface IdentityProviderType {
  kind: 'identity';
  /** e.g. `GitHub`, `Kubernetes`, `OIDC`. */
  type: string;
  displayName: string;
  description: string;
  settingsSchema: JsonSchema;
  /** The issuer a trust domain of this type gets when it names none (GitHub's). */
  defaultIssuer?: string;
  /**
   * Problems that make the rules unsafe or unusable, checked when a trust domain is created or
   * changed: above all, rules that bind no subject (a domain accepting every repository).
   */
  checkRules?(rules: TrustDomainRules): TrustRuleProblem[];
  create(services: PluginServices): Promise<IdentityProvider>;
}
