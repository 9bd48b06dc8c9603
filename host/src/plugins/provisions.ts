import type { IdentityProviderType, JsonSchema, NotifierType, PluginProvision, RotationStrategyType, SecretProviderType } from '@keygate/core';
import { compileValidator } from '../validation/json-schema.js';

export type ProvisionKind = PluginProvision['kind'];

/** Which member holds each kind's JSON Schema. */
const SCHEMA_MEMBER: Record<ProvisionKind, string> = {
  provider: 'configSchema',
  rotation: 'settingsSchema',
  identity: 'settingsSchema',
  notifier: 'configSchema',
};

export const KIND_NAMES: Record<ProvisionKind, string> = {
  provider: 'provider type',
  rotation: 'rotation strategy',
  identity: 'identity provider',
  notifier: 'notifier',
};

/** `provider:Vault`: how the host names a provision in summaries and duplicate checks. */
export function provisionId(provision: Pick<PluginProvision, 'kind' | 'type'>): string {
  return `${provision.kind}:${provision.type}`;
}

export function isProvisionKind(kind: unknown): kind is ProvisionKind {
  return typeof kind === 'string' && Object.hasOwn(SCHEMA_MEMBER, kind);
}

/**
 * Checks what TypeScript cannot check in a plugin built elsewhere, so a broken plugin fails at
 * start instead of at its first use: the members the host calls, and a schema that compiles
 * (it is compiled now, once, and served from the cache afterwards).
 */
export function checkProvision(provision: unknown): string[] {
  if (typeof provision !== 'object' || provision === null) return ['provides something that is not an object'];
  const candidate = provision as Record<string, unknown>;
  if (!isProvisionKind(candidate.kind)) {
    return [`provides an entry of unknown kind ${JSON.stringify(candidate.kind)} (expected one of ${Object.keys(SCHEMA_MEMBER).join(', ')})`];
  }
  const kind = candidate.kind;
  if (typeof candidate.type !== 'string' || candidate.type === '') return [`provides a ${KIND_NAMES[kind]} without a type name`];
  const label = `${KIND_NAMES[kind]} "${candidate.type}"`;
  const problems: string[] = [];
  const required = ['create', ...(kind === 'provider' ? ['capabilities'] : [])];
  for (const member of required) if (typeof candidate[member] !== 'function') problems.push(`${label} has no ${member}() function`);
  for (const member of ['displayName', 'description']) if (typeof candidate[member] !== 'string') problems.push(`${label} has no ${member}`);
  const schemaMember = SCHEMA_MEMBER[kind];
  const schema = candidate[schemaMember];
  if (typeof schema !== 'object' || schema === null) problems.push(`${label} has no ${schemaMember}`);
  else {
    try {
      compileValidator(schema as JsonSchema);
    } catch (error) {
      problems.push(`${label} has an invalid ${schemaMember}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

export interface ProvisionMaps {
  providerTypes: Map<string, SecretProviderType<never>>;
  rotationStrategyTypes: Map<string, RotationStrategyType>;
  identityProviderTypes: Map<string, IdentityProviderType>;
  notifierTypes: Map<string, NotifierType<never>>;
}
