import { InvalidInputError, type JsonSchema } from '@keygate/core';

export interface HttpWebhookSettings {
  /** The function's URL; the host checks the scheme and address policy when the policy is saved. */
  endpoint: string;
  /** Current signing secret first; during a signing-secret rollover also the previous one(s). */
  signingSecrets: string[];
  apiKeyHeader?: string;
  apiKey?: string;
  timeoutMs?: number;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint', 'signingSecrets'],
  properties: {
    endpoint: { type: 'string', format: 'uri', maxLength: 2048, description: 'URL the rotate and revoke calls are POSTed to.' },
    signingSecrets: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: { type: 'string', minLength: 16, maxLength: 256, 'x-keygate-secret': true },
      description: 'HMAC secrets; every one produces a v1 value in X-Bella-Signature (secret rolling).',
    },
    apiKeyHeader: { type: 'string', pattern: HEADER_NAME.source, description: 'Name of an extra header carrying apiKey.' },
    apiKey: { type: 'string', minLength: 1, maxLength: 4096, 'x-keygate-secret': true },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, description: 'Total time for one call; the outbound client default otherwise.' },
  },
};

/** Checks what the strategy relies on; messages name the field and never echo its value. */
export function readSettings(raw: Record<string, unknown>): HttpWebhookSettings {
  const { endpoint, signingSecrets, apiKeyHeader, apiKey, timeoutMs } = raw;
  if (typeof endpoint !== 'string' || endpoint === '') throw new InvalidInputError('endpoint is required', { field: 'endpoint' });
  if (!Array.isArray(signingSecrets) || signingSecrets.length === 0 || !signingSecrets.every((s) => typeof s === 'string' && s !== '')) {
    throw new InvalidInputError('signingSecrets must be a non-empty list of strings', { field: 'signingSecrets' });
  }
  if (apiKeyHeader !== undefined && (typeof apiKeyHeader !== 'string' || !HEADER_NAME.test(apiKeyHeader))) {
    throw new InvalidInputError('apiKeyHeader must be an HTTP header name', { field: 'apiKeyHeader' });
  }
  if (apiKey !== undefined && typeof apiKey !== 'string') throw new InvalidInputError('apiKey must be a string', { field: 'apiKey' });
  if ((apiKey === undefined) !== (apiKeyHeader === undefined)) {
    throw new InvalidInputError('apiKeyHeader and apiKey go together', { field: apiKey === undefined ? 'apiKey' : 'apiKeyHeader' });
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1)) {
    throw new InvalidInputError('timeoutMs must be a positive integer', { field: 'timeoutMs' });
  }
  return {
    endpoint,
    signingSecrets: signingSecrets as string[],
    ...(apiKeyHeader === undefined ? {} : { apiKeyHeader: apiKeyHeader as string, apiKey: apiKey as string }),
    ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs as number }),
  };
}
