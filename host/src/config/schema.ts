import type { JsonSchema } from '@keygate/core';
import { BYTE_SIZE_PATTERN } from './byte-size.js';

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
export const BOOTSTRAP_API_KEY_PATTERN = '^bax-[0-9a-f]{32}-[0-9a-f]{64}$';

function integer(minimum: number, defaultValue?: number, maximum?: number): JsonSchema {
  return { type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }), ...(defaultValue === undefined ? {} : { default: defaultValue }) };
}

function section(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, default: {}, properties };
}

/**
 * JSON Schema of keygate.yaml. Defaults live here, once, and are applied by the validator.
 * Every object refuses unknown fields, so a misspelt key is reported (with a suggestion) instead of
 * being silently ignored. Credentials are marked so the configuration can be shown masked.
 */
export const keygateConfigSchema: JsonSchema = {
  title: 'keygate.yaml',
  type: 'object',
  additionalProperties: false,
  properties: {
    server: section({
      port: { ...integer(0, 8080, 65535), description: '0 picks a free port' },
      host: { type: 'string', minLength: 1, default: '0.0.0.0' },
      bodyLimit: { type: ['string', 'integer'], pattern: BYTE_SIZE_PATTERN, minimum: 1, default: '1mb', examples: ['512kb', '1mb'] },
      requestTimeoutMs: integer(1, 30_000),
      shutdownTimeoutMs: integer(0, 10_000),
      responseValidation: { type: 'boolean', default: true },
      e2eeWorker: { type: 'boolean', default: false },
      trustProxy: { type: ['boolean', 'integer', 'string', 'array'], minimum: 0, items: { type: 'string', minLength: 1 }, default: false },
    }),
    dataDir: { type: 'string', minLength: 1, default: './.keygate' },
    database: section({
      url: { type: 'string', pattern: '^postgres(ql)?://', 'x-keygate-secret': true, examples: ['postgres://user:password@host:5432/keygate'] },
      poolMax: integer(1, 10),
      embedded: section({ port: integer(1, undefined, 65535) }),
    }),
    plugins: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['package'],
        properties: {
          package: { type: 'string', minLength: 1 },
          options: { type: 'object', default: {} },
        },
      },
    },
    providers: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          slug: { type: 'string', pattern: SLUG_PATTERN, examples: ['vault-prod'] },
          type: { type: 'string', minLength: 1, examples: ['Vault', 'AwsSecretsManager'] },
          description: { type: 'string', maxLength: 2000 },
          configuration: { type: 'object', default: {} },
        },
      },
    },
    security: section({
      masterKey: { type: 'string', minLength: 1, 'x-keygate-secret': true },
      masterKeys: { type: 'object', additionalProperties: { type: 'string', minLength: 1, 'x-keygate-secret': true } },
      activeKeyId: { type: 'string', minLength: 1 },
      bootstrapApiKey: { type: 'string', pattern: BOOTSTRAP_API_KEY_PATTERN, 'x-keygate-secret': true },
      authFailures: section({
        maxPerIp: integer(1, 30),
        windowSeconds: integer(1, 300),
      }),
    }),
    outbound: section({
      allowLoopback: { type: 'boolean', default: false },
      allowPrivate: { type: 'boolean', default: false },
      connectTimeoutMs: integer(1, 5_000),
      timeoutMs: integer(1, 15_000),
      maxResponseBytes: integer(1, 5 * 1024 * 1024),
      allowedNetworks: { type: 'array', default: [], items: { type: 'string', minLength: 1 }, examples: [['10.20.0.0/16', 'fd12:3456::/48']] },
    }),
    secrets: section({
      maxValueBytes: integer(1, 64 * 1024),
      responseCacheBytes: integer(0, 16 * 1024 * 1024, 1024 * 1024 * 1024),
    }),
    providerTimeoutMs: integer(1, 10_000),
    rotation: section({
      scheduler: { type: 'boolean', default: true, description: 'Run rotation jobs on this replica' },
      sweepIntervalMinutes: integer(1, 15, 1440),
      processEveryMs: integer(50, 1000, 60_000),
      concurrency: integer(1, 8, 64),
      maxAttempts: integer(1, 5, 20),
      retryBaseDelayMs: integer(1, 1000, 600_000),
      signingSecretGraceHours: integer(0, 24, 24 * 90),
    }),
    logging: section({
      level: { enum: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
      format: { enum: ['json', 'pretty'], default: 'json' },
    }),
    tenant: section({
      slug: { type: 'string', pattern: SLUG_PATTERN, default: 'default' },
      name: { type: 'string', minLength: 1, maxLength: 200, default: 'Default' },
    }),
  },
};
