import { X509Certificate } from 'node:crypto';
import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, type NameTemplate } from './names.js';

export interface ClientSecretAuthConfig {
  method: 'clientSecret';
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Microsoft Entra authority host; default `https://login.microsoftonline.com`. */
  authorityHost?: string;
}

export interface ManagedIdentityAuthConfig {
  method: 'managedIdentity';
  /** A user-assigned identity's client id; omit for the system-assigned identity. */
  clientId?: string;
}

export type AzureAuthConfig = ClientSecretAuthConfig | ManagedIdentityAuthConfig;

export interface AzureKeyVaultConfig {
  vaultUrl: string;
  auth: AzureAuthConfig;
  nameTemplate?: string;
  /** Plain http (emulators only). */
  allowInsecureConnection?: boolean;
  /** PEM certificate(s) trusted in addition to the public CAs, for the vault and the authority. */
  caCertificate?: string;
  /** Purge after soft delete (default true); false leaves deleted secrets recoverable. */
  purgeOnDelete?: boolean;
  maxAttempts?: number;
  timeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_TIMEOUT_MS = 15_000;

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'Azure Key Vault',
  description:
    'One Key Vault secret per Keygate key, named by nameTemplate. Azure names allow only letters, digits and "-": every other character of a slug or key is escaped as "-" + two hex digits (see the README).',
  properties: {
    vaultUrl: { type: 'string', format: 'uri', description: 'The vault URL, e.g. https://my-vault.vault.azure.net. http is accepted only with allowInsecureConnection.', examples: ['https://my-vault.vault.azure.net'] },
    auth: {
      oneOf: [
        {
          type: 'object',
          title: 'Service principal with a client secret',
          properties: {
            method: { const: 'clientSecret' },
            tenantId: { type: 'string', minLength: 1, description: 'Microsoft Entra tenant (directory) id.' },
            clientId: { type: 'string', minLength: 1, description: 'Application (client) id.' },
            clientSecret: { type: 'string', minLength: 1, 'x-keygate-secret': true },
            authorityHost: {
              type: 'string',
              format: 'uri',
              pattern: '^https://',
              description:
                'Microsoft Entra authority host: https://login.microsoftonline.com (default), https://login.microsoftonline.us, https://login.chinacloudapi.cn, or a private authority (instance discovery is then skipped).',
            },
          },
          required: ['method', 'tenantId', 'clientId', 'clientSecret'],
          additionalProperties: false,
        },
        {
          type: 'object',
          title: 'Managed identity',
          properties: {
            method: { const: 'managedIdentity' },
            clientId: { type: 'string', minLength: 1, description: 'Client id of a user-assigned identity; omit for the system-assigned identity.' },
          },
          required: ['method'],
          additionalProperties: false,
        },
      ],
    },
    nameTemplate: {
      type: 'string',
      default: DEFAULT_NAME_TEMPLATE,
      pattern: '^[A-Za-z0-9{}-]+$',
      description: 'Secret name layout. Must contain {tenant}, {project} and {environment} once each, each followed by "--", and end with {key}. Literal parts: letters, digits, "-".',
    },
    allowInsecureConnection: { type: 'boolean', default: false, description: 'Accept an http:// vaultUrl (local emulators only).' },
    caCertificate: {
      type: 'string',
      pattern: '-----BEGIN CERTIFICATE-----',
      description: 'PEM certificate(s) to trust in addition to the public CAs, for the vault and the authority (private CA, TLS-inspecting proxy).',
    },
    purgeOnDelete: { type: 'boolean', default: true, description: 'Purge a secret after its soft delete (needs the purge permission). When false, deleted secrets stay recoverable and a later write recovers the secret first.' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: DEFAULT_MAX_ATTEMPTS, description: 'Attempts per call on throttling (429), 5xx, 409 (being deleted) and network errors.' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: DEFAULT_TIMEOUT_MS, description: 'Deadline of one call attempt, in milliseconds.' },
  },
  required: ['vaultUrl', 'auth'],
  additionalProperties: false,
};

/** Versions (version ids) and tags; no compare-and-set, text only, no batch read. */
export const capabilities: ProviderCapabilities = Object.freeze({
  versions: true,
  compareAndSet: false,
  labels: true,
  binary: false,
  batchRead: false,
});

export interface ResolvedConfig {
  vaultUrl: string;
  auth: AzureAuthConfig;
  template: NameTemplate;
  allowInsecureConnection: boolean;
  caCertificate: string | undefined;
  purgeOnDelete: boolean;
  maxAttempts: number;
  timeoutMs: number;
}

function invalid(message: string): never {
  throw new KeygateError('INVALID_CONFIGURATION', `AzureKeyVault provider: ${message}`);
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') invalid(`${what} must be a non-empty string`);
  return value;
}

function integer(value: unknown, what: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(`${what} must be an integer from ${min} to ${max}`);
  return value;
}

function flag(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(`${what} must be a boolean`);
  return value;
}

/** Checks the configuration again (the host validated it against the schema) and resolves defaults. */
export function resolveConfig(config: AzureKeyVaultConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) invalid('configuration must be an object');
  const allowInsecureConnection = flag(config.allowInsecureConnection, 'allowInsecureConnection', false);
  let url: URL;
  try {
    url = new URL(nonEmpty(config.vaultUrl, 'vaultUrl'));
  } catch (error) {
    if (error instanceof KeygateError) throw error;
    invalid('vaultUrl must be an absolute URL');
  }
  if (url.protocol === 'http:' && !allowInsecureConnection) invalid('vaultUrl must use https (http only with allowInsecureConnection: true, for emulators)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid('vaultUrl must be an https URL');
  if (url.username !== '' || url.password !== '') invalid('vaultUrl must not carry credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') invalid('vaultUrl must be the vault root, without path or query');

  const auth = config.auth as Partial<ClientSecretAuthConfig> & Partial<Omit<ManagedIdentityAuthConfig, 'method'>> & { method?: unknown };
  if (typeof auth !== 'object' || auth === null) invalid('auth must be an object');
  let resolvedAuth: AzureAuthConfig;
  if (auth.method === 'clientSecret') {
    resolvedAuth = { method: 'clientSecret', tenantId: nonEmpty(auth.tenantId, 'auth.tenantId'), clientId: nonEmpty(auth.clientId, 'auth.clientId'), clientSecret: nonEmpty(auth.clientSecret, 'auth.clientSecret') };
    if (auth.authorityHost !== undefined) {
      let authority: URL;
      try {
        authority = new URL(nonEmpty(auth.authorityHost, 'auth.authorityHost'));
      } catch (error) {
        if (error instanceof KeygateError) throw error;
        invalid('auth.authorityHost must be an absolute https URL');
      }
      if (authority.protocol !== 'https:' || authority.username !== '' || authority.password !== '' || authority.search !== '' || authority.hash !== '') {
        invalid('auth.authorityHost must be an https URL without credentials, query or fragment');
      }
      resolvedAuth.authorityHost = authority.href.replace(/\/+$/, '');
    }
  } else if (auth.method === 'managedIdentity') {
    resolvedAuth = auth.clientId === undefined ? { method: 'managedIdentity' } : { method: 'managedIdentity', clientId: nonEmpty(auth.clientId, 'auth.clientId') };
  } else {
    invalid('auth.method must be "clientSecret" or "managedIdentity"');
  }

  const caCertificate = config.caCertificate === undefined ? undefined : nonEmpty(config.caCertificate, 'caCertificate');
  if (caCertificate !== undefined) {
    try {
      new X509Certificate(caCertificate);
    } catch {
      invalid('caCertificate must be a PEM certificate');
    }
  }

  let template: NameTemplate;
  try {
    template = parseNameTemplate(config.nameTemplate ?? DEFAULT_NAME_TEMPLATE);
  } catch (error) {
    invalid(`nameTemplate: ${(error as Error).message}`);
  }

  return {
    vaultUrl: url.origin,
    auth: resolvedAuth,
    template,
    allowInsecureConnection,
    caCertificate,
    purgeOnDelete: flag(config.purgeOnDelete, 'purgeOnDelete', true),
    maxAttempts: integer(config.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, 1, 10),
    timeoutMs: integer(config.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 100, 120_000),
  };
}
