import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';
import { parseNameTemplate, type NameTemplate } from './names.js';

export interface AwsCredentialsConfig {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** STS AssumeRole: the session works with the role's temporary credentials. */
export interface AwsAssumeRoleConfig {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
  /** STS endpoint (VPC endpoint, emulator); default the region's STS endpoint. */
  endpoint?: string;
}

export interface AwsSecretsManagerConfig {
  region: string;
  nameTemplate?: string;
  credentials?: AwsCredentialsConfig;
  assumeRole?: AwsAssumeRoleConfig;
  endpoint?: string;
  kmsKeyId?: string;
  maxAttempts?: number;
  timeoutMs?: number;
}

export const DEFAULT_NAME_TEMPLATE = 'keygate/{tenant}/{project}/{environment}/{key}';
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_ROLE_SESSION_NAME = 'keygate';
export const DEFAULT_ROLE_DURATION_SECONDS = 3600;
const ROLE_ARN = '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';
const SESSION_NAME = '^[\\w+=,.@-]{2,64}$';

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'AWS Secrets Manager',
  description:
    'One secret per Keygate key, named by nameTemplate. Secret names may hold A-Za-z0-9 and /_+=.@- ; Keygate slugs and keys (letters, digits, _ . -) always fit.',
  properties: {
    region: { type: 'string', minLength: 1, pattern: '^[a-z0-9-]+$', description: 'AWS region, e.g. eu-west-1.', examples: ['eu-west-1'] },
    nameTemplate: {
      type: 'string',
      default: DEFAULT_NAME_TEMPLATE,
      pattern: '^[A-Za-z0-9/_+=.@{}-]+$',
      description:
        'Secret name layout. Must contain {tenant}, {project} and {environment} once each, each followed by "/", and end with "/{key}". Literal parts may use A-Za-z0-9/_+=.@- .',
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
    assumeRole: {
      type: 'object',
      description:
        'Assume this IAM role (STS AssumeRole) with the static credentials above, or with the default credential chain when they are omitted. The temporary credentials are refreshed before they expire.',
      properties: {
        roleArn: { type: 'string', pattern: ROLE_ARN, description: 'e.g. arn:aws:iam::123456789012:role/keygate-secrets' },
        externalId: { type: 'string', minLength: 2, maxLength: 1224, 'x-keygate-secret': true, description: 'ExternalId the role trust policy requires.' },
        sessionName: { type: 'string', pattern: SESSION_NAME, default: DEFAULT_ROLE_SESSION_NAME, description: 'RoleSessionName, shown in CloudTrail.' },
        durationSeconds: { type: 'integer', minimum: 900, maximum: 43_200, default: DEFAULT_ROLE_DURATION_SECONDS, description: 'Lifetime of the temporary credentials.' },
        endpoint: { type: 'string', format: 'uri', description: 'STS endpoint (VPC interface endpoint, or an emulator); default the regional STS endpoint.' },
      },
      required: ['roleArn'],
      additionalProperties: false,
    },
    endpoint: { type: 'string', format: 'uri', description: 'Custom endpoint URL (VPC interface endpoint, FIPS endpoint, or an emulator).' },
    kmsKeyId: { type: 'string', minLength: 1, description: 'KMS key (id, ARN or alias) used for secrets this provider creates; default aws/secretsmanager.' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: DEFAULT_MAX_ATTEMPTS, description: 'Attempts per call on throttling, 5xx and network errors (exponential backoff with full jitter).' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: DEFAULT_TIMEOUT_MS, description: 'Deadline of one call attempt, in milliseconds.' },
  },
  required: ['region'],
  additionalProperties: false,
};

/** Secrets Manager has versions, tags and binary values (SecretBinary), no atomic compare-and-set. */
export const capabilities: ProviderCapabilities = Object.freeze({
  versions: true,
  compareAndSet: false,
  labels: true,
  binary: true,
  batchRead: true,
});

export interface ResolvedConfig {
  region: string;
  template: NameTemplate;
  credentials: AwsCredentialsConfig | undefined;
  assumeRole: Required<Omit<AwsAssumeRoleConfig, 'externalId' | 'endpoint'>> & Pick<AwsAssumeRoleConfig, 'externalId' | 'endpoint'> | undefined;
  endpoint: string | undefined;
  kmsKeyId: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
}

function invalid(message: string): never {
  throw new KeygateError('INVALID_CONFIGURATION', `AwsSecretsManager provider: ${message}`);
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

function endpointUrl(value: unknown, name: string): string | undefined {
  const endpoint = optionalString(value, name);
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    invalid(`${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(`${name} must be an absolute http(s) URL`);
  if (url.username !== '' || url.password !== '') invalid(`${name} must not carry credentials`);
  return endpoint;
}

/** The host validates against {@link configSchema} first; this guards direct callers (tests, scripts). */
export function resolveConfig(config: AwsSecretsManagerConfig | undefined): ResolvedConfig {
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

  const endpoint = endpointUrl(config.endpoint, 'endpoint');

  let assumeRole: ResolvedConfig['assumeRole'];
  if (config.assumeRole !== undefined) {
    const given = config.assumeRole as unknown;
    if (typeof given !== 'object' || given === null) invalid('assumeRole must be an object');
    const { roleArn, externalId, sessionName, durationSeconds, endpoint: stsEndpoint, ...rest } = given as Record<string, unknown>;
    for (const name of Object.keys(rest)) invalid(`unknown configuration property "assumeRole.${name}"`);
    if (typeof roleArn !== 'string' || !new RegExp(ROLE_ARN).test(roleArn)) invalid('assumeRole.roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
    if (externalId !== undefined && (typeof externalId !== 'string' || externalId.length < 2 || externalId.length > 1224)) invalid('assumeRole.externalId must be 2 to 1224 characters');
    const name = sessionName ?? DEFAULT_ROLE_SESSION_NAME;
    if (typeof name !== 'string' || !new RegExp(SESSION_NAME).test(name)) invalid('assumeRole.sessionName must be 2 to 64 characters of letters, digits and +=,.@_-');
    assumeRole = {
      roleArn,
      sessionName: name,
      durationSeconds: integer(durationSeconds, 'assumeRole.durationSeconds', DEFAULT_ROLE_DURATION_SECONDS, 900, 43_200),
      ...(externalId === undefined ? {} : { externalId: externalId as string }),
      ...(stsEndpoint === undefined ? {} : { endpoint: endpointUrl(stsEndpoint, 'assumeRole.endpoint') }),
    };
  }

  let template: NameTemplate;
  try {
    template = parseNameTemplate(config.nameTemplate ?? DEFAULT_NAME_TEMPLATE);
  } catch (error) {
    invalid(`nameTemplate: ${(error as Error).message}`);
  }

  return {
    region: config.region,
    template,
    credentials,
    assumeRole,
    endpoint,
    kmsKeyId: optionalString(config.kmsKeyId, 'kmsKeyId'),
    maxAttempts: integer(config.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, 1, 10),
    timeoutMs: integer(config.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 100, 120_000),
  };
}
