import type { Secret } from '../secret.js';
import type { JsonSchema } from '../json-schema.js';
import type { PluginServices } from './services.js';

export interface RotationContext {
  secretKey: string;
  projectSlug: string;
  environmentSlug: string;
  /** Stable across retries of the same run: the receiver's idempotency key. */
  requestId: string;
  /** The strategy's settings from the rotation policy (credentials decrypted). */
  settings: Record<string, unknown>;
}

export interface RotationResult {
  newValue: Secret;
  /** Opaque id of the new credential at its issuer, passed back as `oldHandle` at revocation. */
  newHandle?: string;
}

export interface RevocationContext extends RotationContext {
  oldHandle: string;
}

export interface RotationStrategy {
  rotate(context: RotationContext): Promise<RotationResult>;
  revoke?(context: RevocationContext): Promise<void>;
}

export interface RotationStrategyType {
  kind: 'rotation';
  /** e.g. `GenerateRandom`, `HttpWebhook`. */
  type: string;
  displayName: string;
  description: string;
  settingsSchema: JsonSchema;
  create(services: PluginServices): Promise<RotationStrategy>;
}
