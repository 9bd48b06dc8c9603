import { definePlugin, type RotationStrategyType } from '@keygate/core';
import { settingsSchema } from './settings.js';
import { HttpWebhookStrategy } from './webhook-strategy.js';

export { HttpWebhookStrategy } from './webhook-strategy.js';
export { readSettings, settingsSchema, type HttpWebhookSettings } from './settings.js';

export const httpWebhookStrategyType: RotationStrategyType = {
  kind: 'rotation',
  type: 'HttpWebhook',
  displayName: 'HTTP webhook',
  description:
    'POSTs a signed rotate request (X-Bella-Signature) to a function you run, which provisions a new credential and returns {newValue, newHandle?}; after the grace period a signed revoke request retires the old handle.',
  settingsSchema,
  create: (services) => Promise.resolve(new HttpWebhookStrategy({ http: services.http, clock: services.clock, logger: services.logger.child({ strategy: 'HttpWebhook' }) })),
};

export default definePlugin({
  name: '@keygate/rotation-http-webhook',
  version: '0.1.0',
  description: 'Rotation strategy HttpWebhook: signed rotate/revoke calls to a user function.',
  provides: [httpWebhookStrategyType],
});
