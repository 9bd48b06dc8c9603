import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';
import { parsePathTemplate, type PathTemplate } from './paths.js';

export interface AwsCredentialsConfig {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type ParameterTier = 'Standard' | 'Advanced';

export interface AwsParameterStoreConfig {
  region: string;
  pathTemplate?: string;
  credentials?: AwsCredentialsConfig;
  endpoint?: string;
  kmsKeyId?: string;
  tier?: ParameterTier;
  maxAttempts?: number;
  timeoutMs?: number;
}

export const DEFAULT_PATH_TEMPLATE = '/keygate/{tenant}/{project}/{environment}';
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Largest value, in UTF-8 bytes, per tier (SSM: 4 KB Standard, 8 KB Advanced). */
export const MAX_VALUE_BYTES: Readonly<Record<ParameterTier, number>> = Object.freeze({ Standard: 4096, Advanced: 8192 });

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'AWS Systems Manager Parameter Store',
  description:
    'One SecureString parameter per Keygate key, at "{path}/{key}" where the path comes from pathTemplate. Keygate slugs and keys (letters, digits, _ . -) always fit SSM names.',
  properties: {
    region: { type: 'string', minLength: 1, pattern: '^[a-z0-9-]+$', description: 'AWS region, e.g. eu-west-1.', examples: ['eu-west-1'] },
    pathTemplate: {
      type: 'string',
      default: DEFAULT_PATH_TEMPLATE,
      pattern: '^/[A-Za-z0-9/_.{}-]+$',
      description:
        'Parameter path of an environment. Starts with "/", does not end with "/", and contains {tenant}, {project} and {environment} once each, each filling a whole path segment. Keys are stored at "{path}/{key}".',
    },
    credentials: {
      type: 'object',
      description: 'Static credentials. Omit to use the AWS SDK default credential chain (environment, shared config, web identity, ECS/EC2 instance roles).',
      properties: {
        accessKeyId: { type: 'string', minLength: 16, maxLength: 128 },
        secretAccessKey: { type: 'string', minLength: 1, 'x-keygate-secret': true },
        sessionToken: { type: 'string', minLength: 1, 'x-keygate-secret': true },
      },
      required: ['accessKeyId', 'secretAccessKey'],
      additionalProperties: false,
    },
    endpoint: { type: 'string', format: 'uri', description: 'Custom endpoint URL (VPC interface endpoint, FIPS endpoint, or an emulator).' },
    kmsKeyId: { type: 'string', minLength: 1, description: 'KMS key (id, ARN or alias) that encrypts the SecureString parameters; default alias/aws/ssm.' },
    tier: { type: 'string', enum: ['Standard', 'Advanced'], description: 'Parameter tier for writes: Standard (4 KB values, free) or Advanced (8 KB, charged). Omitted: the account default (Standard).' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: DEFAULT_MAX_ATTEMPTS, description: 'Attempts per call on throttling, 5xx and network errors (exponential backoff with full jitter).' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: DEFAULT_TIMEOUT_MS, description: 'Deadline of one call attempt, in milliseconds.' },
  },
  required: ['region'],
  additionalProperties: false,
};

/** Parameter Store keeps versions and tags, has no atomic compare-and-set, stores text only. */
export const capabilities: ProviderCapabilities = Object.freeze({
  versions: true,
  compareAndSet: false,
  labels: true,
  binary: false,
  batchRead: true,
});

export interface ResolvedConfig {
  region: string;
  template: PathTemplate;
  credentials: AwsCredentialsConfig | undefined;
  endpoint: string | undefined;
  kmsKeyId: string | undefined;
  tier: ParameterTier | undefined;
  maxAttempts: number;
  timeoutMs: number;
}

function invalid(message: string): never {
  throw new KeygateError('INVALID_CONFIGURATION', `AwsParameterStore provider: ${message}`);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') invalid(`${name} must be a non-empty string`);
  return value;
}

function integer(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** The host validates against {@link configSchema} first; this guards direct callers (tests, scripts). */
export function resolveConfig(config: AwsParameterStoreConfig | undefined): ResolvedConfig {
  if (typeof config !== 'object' || config === null) invalid('configuration must be an object');
  const known = new Set(Object.keys(configSchema.properties ?? {}));
  for (const name of Object.keys(config)) if (!known.has(name)) invalid(`unknown configuration property "${name}"`);
  if (typeof config.region !== 'string' || !/^[a-z0-9-]+$/.test(config.region)) invalid('region is required (e.g. "eu-west-1")');

  let credentials: AwsCredentialsConfig | undefined;
  if (config.credentials !== undefined) {
    const given = config.credentials as unknown;
    if (typeof given !== 'object' || given === null) invalid('credentials must be an object');
    const { accessKeyId, secretAccessKey, sessionToken, ...rest } = given as Record<string, unknown>;
    for (const name of Object.keys(rest)) invalid(`unknown configuration property "credentials.${name}"`);
    // Never echo credential values in messages: name the field only.
    if (typeof accessKeyId !== 'string' || accessKeyId === '') invalid('credentials.accessKeyId must be a non-empty string');
    if (typeof secretAccessKey !== 'string' || secretAccessKey === '') invalid('credentials.secretAccessKey must be a non-empty string');
    if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) invalid('credentials.sessionToken must be a non-empty string');
    credentials = { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
  }

  const endpoint = optionalString(config.endpoint, 'endpoint');
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      invalid('endpoint must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid('endpoint must be an absolute http(s) URL');
    if (url.username !== '' || url.password !== '') invalid('endpoint must not carry credentials');
  }

  const tier = config.tier as unknown;
  if (tier !== undefined && tier !== 'Standard' && tier !== 'Advanced') invalid('tier must be "Standard" or "Advanced"');

  let template: PathTemplate;
  try {
    template = parsePathTemplate(config.pathTemplate ?? DEFAULT_PATH_TEMPLATE);
  } catch (error) {
    invalid(`pathTemplate: ${(error as Error).message}`);
  }

  return {
    region: config.region,
    template,
    credentials,
    endpoint,
    kmsKeyId: optionalString(config.kmsKeyId, 'kmsKeyId'),
    tier,
    maxAttempts: integer(config.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, 1, 10),
    timeoutMs: integer(config.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 100, 120_000),
  };
}
