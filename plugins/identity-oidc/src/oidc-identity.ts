import type { IdentityProviderType, TrustDomainRules, TrustRuleProblem } from '@keygate/core';
import { bindsClaim, claimRuleProblems, OidcTokenVerifier, verifyWorkloadToken } from '@keygate/core/identity';

export const PLUGIN_NAME = '@keygate/identity-oidc';

/**
 * A generic OIDC domain is bound by its `sub` rule: `Equals`, or `StartsWith`/`Glob` with a literal
 * beginning. Other claims may narrow it further, but without a `sub` binding one misconfigured
 * custom claim would admit every workload of the issuer.
 */
export function checkOidcRules(rules: TrustDomainRules): TrustRuleProblem[] {
  const problems = claimRuleProblems(rules.claimRules);
  if (!rules.claimRules.some((rule) => bindsClaim(rule, ['sub']))) {
    problems.push({
      field: 'claimRules',
      message:
        'an OIDC trust domain needs a rule on "sub" (Equals, or StartsWith/Glob with a literal beginning such as "project_path:mygroup/"); ' +
        'without one it would accept every workload the issuer signs for',
    });
  }
  return problems;
}

/** The `OIDC` identity provider: any issuer with discovery and a JWKS, bound by claim rules. */
export const oidcIdentityType: IdentityProviderType = {
  kind: 'identity',
  type: 'OIDC',
  displayName: 'OpenID Connect',
  description: 'Any OIDC issuer (GitLab CI, CircleCI, Buildkite, a cloud workload identity…): pinned issuer, required audience, claim rules.',
  settingsSchema: { type: 'object', additionalProperties: false, properties: {} },
  checkRules: checkOidcRules,
  create(services) {
    const verifier = new OidcTokenVerifier({ http: services.http, clock: services.clock, logger: services.logger.child({ plugin: PLUGIN_NAME }) });
    return Promise.resolve({ verify: (token, rules) => verifyWorkloadToken(verifier, token, rules) });
  },
};
