import { definePlugin, type IdentityProviderType } from '@keygate/core';
import { OidcTokenVerifier, verifyWorkloadToken } from '@keygate/core/identity';
import { checkGitHubRules, GITHUB_ISSUER, githubDerivedRules, githubSettingsSchema } from './github-rules.js';

export { GITHUB_ISSUER, checkGitHubRules, githubDerivedRules, type GitHubSettings } from './github-rules.js';

const PLUGIN_NAME = '@keygate/identity-github';

/** The `GitHub` identity provider: GitHub Actions OIDC tokens, bound to a repository or owner. */
export const githubIdentityType: IdentityProviderType = {
  kind: 'identity',
  type: 'GitHub',
  displayName: 'GitHub Actions',
  description: 'GitHub Actions jobs with `id-token: write`, bound to a repository (by immutable id preferably), branch or ref, environment and workflow.',
  settingsSchema: githubSettingsSchema,
  defaultIssuer: GITHUB_ISSUER,
  checkRules: checkGitHubRules,
  create(services) {
    const verifier = new OidcTokenVerifier({ http: services.http, clock: services.clock, logger: services.logger.child({ plugin: PLUGIN_NAME }) });
    return Promise.resolve({
      verify: (token, rules) => verifyWorkloadToken(verifier, token, rules, { derivedRules: githubDerivedRules(rules.settings) }),
    });
  },
};

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  description: 'Keyless workload identity for GitHub Actions',
  provides: [githubIdentityType],
});
