import { definePlugin, type IdentityProviderType } from '@keygate/core';
import { OidcTokenVerifier, verifyWorkloadToken } from '@keygate/core/identity';
import { checkKubernetesRules, kubernetesDerivedRules, kubernetesSettingsSchema, serviceAccountOf } from './kubernetes-rules.js';
import { reviewToken } from './token-review.js';

export { checkKubernetesRules, kubernetesDerivedRules, type KubernetesSettings } from './kubernetes-rules.js';

const PLUGIN_NAME = '@keygate/identity-kubernetes';

/** The `Kubernetes` identity provider: projected service-account tokens of one cluster (its issuer URL). */
export const kubernetesIdentityType: IdentityProviderType = {
  kind: 'identity',
  type: 'Kubernetes',
  displayName: 'Kubernetes',
  description: 'Pods presenting a projected service-account token, bound to one service account (namespace/name); optionally confirmed by a TokenReview.',
  settingsSchema: kubernetesSettingsSchema,
  checkRules: checkKubernetesRules,
  create(services) {
    const verifier = new OidcTokenVerifier({ http: services.http, clock: services.clock, logger: services.logger.child({ plugin: PLUGIN_NAME }) });
    return Promise.resolve({
      verify: (token, rules) => {
        const review = rules.settings.tokenReview as { apiServerUrl?: unknown } | undefined;
        const account = serviceAccountOf(rules.settings);
        const apiServerUrl = typeof review?.apiServerUrl === 'string' ? review.apiServerUrl : undefined;
        return verifyWorkloadToken(verifier, token, rules, {
          derivedRules: kubernetesDerivedRules(rules.settings),
          ...(apiServerUrl === undefined || account === undefined
            ? {}
            : { finalCheck: () => reviewToken(services.http, apiServerUrl, token, rules.audience, `system:serviceaccount:${account.namespace}:${account.name}`) }),
        });
      },
    });
  },
};

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  description: 'Keyless workload identity for Kubernetes service accounts',
  provides: [kubernetesIdentityType],
});
