import type { ClaimRule, JsonSchema, TrustDomainRules, TrustRuleProblem } from '@keygate/core';
import { claimRuleProblems } from '@keygate/core/identity';

export interface KubernetesSettings {
  /** `namespace/name` of the service account, exactly (no wildcards). */
  serviceAccount: string;
  /** Ask the cluster's API server whether the token is still valid (its pod and service account still exist). */
  tokenReview?: { apiServerUrl: string };
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const SERVICE_ACCOUNT = new RegExp(`^${DNS_LABEL}/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`);

export const kubernetesSettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['serviceAccount'],
  properties: {
    serviceAccount: { type: 'string', pattern: SERVICE_ACCOUNT.source, description: '`namespace/name` of the service account' },
    tokenReview: {
      type: 'object',
      additionalProperties: false,
      required: ['apiServerUrl'],
      properties: { apiServerUrl: { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', description: 'Base URL of the cluster API server' } },
    },
  },
};

export function serviceAccountOf(settings: Record<string, unknown>): { namespace: string; name: string } | undefined {
  const value = settings.serviceAccount;
  if (typeof value !== 'string' || !SERVICE_ACCOUNT.test(value)) return undefined;
  const [namespace, name] = value.split('/') as [string, string];
  return { namespace, name };
}

/** The claims of a projected service-account token that name its service account. */
export function kubernetesDerivedRules(settings: Record<string, unknown>): ClaimRule[] {
  const account = serviceAccountOf(settings);
  if (!account) return [];
  return [
    { claim: 'sub', operator: 'Equals', value: `system:serviceaccount:${account.namespace}:${account.name}` },
    { claim: 'kubernetes.io.namespace', operator: 'Equals', value: account.namespace },
    { claim: 'kubernetes.io.serviceaccount.name', operator: 'Equals', value: account.name },
  ];
}

/** A Kubernetes domain is bound to one service account; the issuer is the cluster's, so never "any pod anywhere". */
export function checkKubernetesRules(rules: TrustDomainRules): TrustRuleProblem[] {
  const problems = claimRuleProblems(rules.claimRules);
  if (!serviceAccountOf(rules.settings)) {
    problems.push({
      field: 'settings.serviceAccount',
      message: 'a Kubernetes trust domain must name one service account as "namespace/name" (no wildcards); without it every pod of the cluster could obtain keys',
    });
  }
  return problems;
}
