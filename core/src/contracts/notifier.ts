import type { JsonSchema } from '../json-schema.js';
import type { PluginServices } from './services.js';

export interface DomainEvent {
  id: string;
  /** e.g. `rotation.succeeded`, `secret.updated`. */
  type: string;
  occurredAt: Date;
  tenantId: string;
  /** Never contains secret values. */
  data: Record<string, unknown>;
}

export interface Notifier {
  notify(event: DomainEvent): Promise<void>;
}

export interface NotifierType<Config = Record<string, unknown>> {
  kind: 'notifier';
  /** e.g. `Webhook`, `Slack`. */
  type: string;
  displayName: string;
  description: string;
  configSchema: JsonSchema;
  create(config: Config, services: PluginServices): Promise<Notifier>;
}
