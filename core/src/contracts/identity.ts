import type { JsonSchema } from '../json-schema.js';
import type { PluginServices } from './services.js';

export interface ClaimRule {
  claim: string;
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

export interface VerifiedIdentity {
  subject: string;
  claims: Record<string, unknown>;
  /** Token id used to refuse replays within the token's lifetime. */
  tokenId?: string;
  expiresAt: Date;
}

export interface IdentityProvider {
  /** Raises `UNAUTHENTICATED` with the reason when the token does not satisfy the rules. */
  verify(token: string, rules: TrustDomainRules): Promise<VerifiedIdentity>;
}

export interface IdentityProviderType {
  kind: 'identity';
  /** e.g. `GitHub`, `Kubernetes`, `OIDC`. */
  type: string;
  displayName: string;
  description: string;
  settingsSchema: JsonSchema;
  create(services: PluginServices): Promise<IdentityProvider>;
}
