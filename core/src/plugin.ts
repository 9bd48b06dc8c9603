import type { SecretProviderType } from './contracts/provider.js';
import type { RotationStrategyType } from './contracts/rotation.js';
import type { IdentityProviderType } from './contracts/identity.js';
import type { NotifierType } from './contracts/notifier.js';
import type { JsonSchema } from './json-schema.js';

/** Version of the plugin contract. The host refuses manifests built for another version. */
export const PLUGIN_API_VERSION = 1;

export type PluginProvision = SecretProviderType<never> | RotationStrategyType | IdentityProviderType | NotifierType<never>;

export interface PluginManifest {
  readonly manifest: 'keygate-plugin';
  /** The npm package name. */
  readonly name: string;
  readonly version: string;
  readonly apiVersion: number;
  readonly description: string;
  /** JSON Schema of the plugin-level options given in keygate.yaml (`plugins[].options`). */
  readonly optionsSchema?: JsonSchema;
  readonly provides: readonly PluginProvision[];
}

export interface PluginDefinition {
  name: string;
  version: string;
  description: string;
  optionsSchema?: JsonSchema;
  // Factories take their config as `never` here so that every concretely typed provider fits; the
  // host validates the config against the type's schema before calling the factory.
  provides: readonly PluginProvision[];
}

/**
 * Makes an inert plugin manifest. Importing a plugin registers nothing: the host's loader checks
 * the manifest, validates options and registers the factories in the container.
 */
export function definePlugin(definition: PluginDefinition): PluginManifest {
  const types = new Set<string>();
  for (const provision of definition.provides) {
    const id = `${provision.kind}:${provision.type}`;
    if (types.has(id)) throw new TypeError(`plugin ${definition.name} provides ${id} twice`);
    types.add(id);
  }
  return Object.freeze({ manifest: 'keygate-plugin', apiVersion: PLUGIN_API_VERSION, ...definition });
}

/** Typed helper so a provider's factory sees its own config type. */
export function defineProviderType<Config>(type: SecretProviderType<Config>): SecretProviderType<never> {
  return type as unknown as SecretProviderType<never>;
}

export function defineNotifierType<Config>(type: NotifierType<Config>): NotifierType<never> {
  return type as unknown as NotifierType<never>;
}

export function isPluginManifest(value: unknown): value is PluginManifest {
  return typeof value === 'object' && value !== null && (value as { manifest?: unknown }).manifest === 'keygate-plugin';
}
