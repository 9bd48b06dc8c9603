import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';
import { parseSecretIdTemplate, type SecretIdTemplate } from './names.js';

/** A service-account key file (the JSON downloaded from IAM), or any credentials JSON google-auth-library accepts. */
export interface GcpCredentialsConfig {
  type?: string;
  project_id?: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  client_id?: string;
  [field: string]: unknown;
}

export interface GcpSecretManagerConfig {
  projectId: string;
  credentials?: GcpCredentialsConfig;
  secretIdTemplate?: string;
  apiEndpoint?: string;
  protocol?: 'https' | 'http';
  port?: number;
  disableOldVersions?: boolean;
  maxAttempts?: number;
  timeoutMs?: number;
}

export const DEFAULT_SECRET_ID_TEMPLATE = 'keygate_{tenant}_{project}_{environment}_{key}';
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** GCP project ids: 6–30 characters, lowercase letters, digits and hyphens (domain-scoped ids contain ":" and "."). */
const PROJECT_ID = /^[a-z][a-z0-9.:-]{4,61}[a-z0-9]$/;

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'Google Cloud Secret Manager',
  description:
    'One GCP secret per Keygate key, its id made by secretIdTemplate. Each write adds a secret version; secrets use automatic replication.',
  properties: {
    projectId: { type: 'string', pattern: PROJECT_ID.source, description: 'GCP project id that holds the secrets.', examples: ['my-project-123'] },
    credentials: {
      type: 'object',
      description: 'Service-account key (the JSON file from IAM). Omit to use ambient credentials (Application Default Credentials: workload identity, GOOGLE_APPLICATION_CREDENTIALS, the metadata server).',
      properties: {
        type: { type: 'string', const: 'service_account' },
        project_id: { type: 'string' },
        private_key_id: { type: 'string' },
        private_key: { type: 'string', minLength: 1, 'x-keygate-secret': true },
        client_email: { type: 'string', minLength: 3 },
        client_id: { type: 'string' },
      },
      required: ['client_email', 'private_key'],
      additionalProperties: true,
    },
    secretIdTemplate: {
      type: 'string',
      default: DEFAULT_SECRET_ID_TEMPLATE,
      pattern: '^[A-Za-z0-9_{}-]+$',
      description:
        'Secret id layout. Contains {tenant}, {project} and {environment} once each, each followed by "_", and ends with {key}. In the key, "-" is written "--" and "." is written "-d"; keys too long for 255 characters are stored as "-x" + SHA-256 of the key.',
    },
    apiEndpoint: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$', description: 'Host name of the API (default secretmanager.googleapis.com); a private endpoint or an emulator.' },
    protocol: { type: 'string', enum: ['https', 'http'], default: 'https', description: 'http only for a local emulator; then, without credentials, a fixed bearer token is sent and ambient credentials are never looked up.' },
    port: { type: 'integer', minimum: 1, maximum: 65_535, description: 'Port of apiEndpoint (default 443).' },
    disableOldVersions: { type: 'boolean', default: true, description: 'After a write, disable the previous version. Disabled versions cannot be read back, so this provider then declares versions: false.' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: DEFAULT_MAX_ATTEMPTS, description: 'Attempts per call on UNAVAILABLE, RESOURCE_EXHAUSTED, 5xx and network errors (exponential backoff, full jitter).' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: DEFAULT_TIMEOUT_MS, description: 'Deadline of one call attempt, in milliseconds.' },
  },
  required: ['projectId'],
  additionalProperties: false,
};

/**
 * Secret Manager keeps every version and labels secrets; it has no atomic compare-and-set (etags
 * guard the secret's metadata, not its versions) and this provider stores text. Earlier versions
 * can be read back only while they are enabled, so `versions` follows `disableOldVersions`.
 */
export function capabilitiesFor(config: { disableOldVersions?: boolean } | undefined): ProviderCapabilities {
  return Object.freeze({
    versions: config?.disableOldVersions === false,
    compareAndSet: false,
    labels: true,
    binary: false,
    batchRead: false,
  });
}

export interface ResolvedConfig {
  projectId: string;
  template: SecretIdTemplate;
  credentials: GcpCredentialsConfig | undefined;
  apiEndpoint: string | undefined;
  protocol: 'https' | 'http';
  port: number | undefined;
  disableOldVersions: boolean;
  maxAttempts: number;
  timeoutMs: number;
}

function invalid(message: string): never {
  throw new KeygateError('INVALID_CONFIGURATION', `GoogleSecretManager provider: ${message}`);
}

function integer(value: unknown, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** The host validates against {@link configSchema} first; this guards direct callers (tests, scripts). */
export function resolveConfig(config: GcpSecretManagerConfig | undefined): ResolvedConfig {
  if (typeof config !== 'object' || config === null) invalid('configuration must be an object');
  const known = new Set(Object.keys(configSchema.properties ?? {}));
  for (const name of Object.keys(config)) if (!known.has(name)) invalid(`unknown configuration property "${name}"`);
  if (typeof config.projectId !== 'string' || !PROJECT_ID.test(config.projectId)) invalid('projectId is required (a GCP project id such as "my-project-123")');

  let credentials: GcpCredentialsConfig | undefined;
  if (config.credentials !== undefined) {
    const given = config.credentials as unknown;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) invalid('credentials must be a service-account JSON object');
    const { client_email: email, private_key: key, type } = given as Record<string, unknown>;
    // Name the field only: never echo a credential.
    if (typeof email !== 'string' || email === '') invalid('credentials.client_email must be a non-empty string');
    if (typeof key !== 'string' || key === '') invalid('credentials.private_key must be a non-empty string');
    if (type !== undefined && type !== 'service_account') invalid('credentials.type must be "service_account"');
    credentials = { ...(given as GcpCredentialsConfig) };
  }

  let apiEndpoint: string | undefined;
  if (config.apiEndpoint !== undefined) {
    if (typeof config.apiEndpoint !== 'string' || !/^[A-Za-z0-9.-]+$/.test(config.apiEndpoint)) invalid('apiEndpoint must be a host name (no scheme, no port: use protocol and port)');
    apiEndpoint = config.apiEndpoint;
  }
  const protocol = config.protocol ?? 'https';
  if (protocol !== 'https' && protocol !== 'http') invalid('protocol must be "https" or "http"');
  if (protocol === 'http' && apiEndpoint === undefined) invalid('protocol "http" needs an apiEndpoint (an emulator)');
  if (config.disableOldVersions !== undefined && typeof config.disableOldVersions !== 'boolean') invalid('disableOldVersions must be a boolean');

  let template: SecretIdTemplate;
  try {
    template = parseSecretIdTemplate(config.secretIdTemplate ?? DEFAULT_SECRET_ID_TEMPLATE);
  } catch (error) {
    invalid(`secretIdTemplate: ${(error as Error).message}`);
  }

  return {
    projectId: config.projectId,
    template,
    credentials,
    apiEndpoint,
    protocol,
    port: integer(config.port, 'port', undefined, 1, 65_535),
    disableOldVersions: config.disableOldVersions ?? true,
    maxAttempts: integer(config.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, 1, 10)!,
    timeoutMs: integer(config.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 100, 120_000)!,
  };
}
