import { KeygateError, type JsonSchema, type ProviderCapabilities } from '@keygate/core';
import { parsePathTemplate, type PathTemplate } from './path-template.js';

export interface VaultTokenAuth {
  method: 'token';
  token: string;
}

export interface VaultAppRoleAuth {
  method: 'approle';
  roleId: string;
  secretId: string;
  /** Where the AppRole auth method is mounted; default `approle`. */
  mountPath?: string;
}

export interface VaultKubernetesAuth {
  method: 'kubernetes';
  /** The Vault role bound to the workload's service account. */
  role: string;
  /** A service-account JWT given inline; otherwise read from {@link tokenPath} at each login. */
  jwt?: string;
  /** File holding the service-account JWT (re-read at each login: the kubelet rotates it). */
  tokenPath?: string;
  /** Where the Kubernetes auth method is mounted; default `kubernetes`. */
  mountPath?: string;
}

export type VaultAuthConfig = VaultTokenAuth | VaultAppRoleAuth | VaultKubernetesAuth;

export interface VaultProviderConfig {
  /** Base URL of the Vault / OpenBao server, e.g. `https://vault.example.com:8200`. */
  address: string;
  /** Vault Enterprise / OpenBao namespace, sent as `X-Vault-Namespace`. */
  namespace?: string;
  /** Mount path of the KV v2 engine; default `secret`. */
  mount?: string;
  /** Where a scope lives under the mount; default `{tenant}/{project}/{environment}`. */
  pathTemplate?: string;
  auth: VaultAuthConfig;
  /** Timeout of one HTTP request to Vault; default 10000. */
  requestTimeoutMs?: number;
}

export interface ResolvedVaultConfig {
  address: string;
  namespace: string | undefined;
  mount: string;
  pathTemplate: PathTemplate;
  auth: VaultAuthConfig;
  requestTimeoutMs: number;
}

export const DEFAULT_MOUNT = 'secret';
export const DEFAULT_PATH_TEMPLATE = '{tenant}/{project}/{environment}';
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Where Kubernetes mounts a pod's service-account token. */
export const DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const TOKEN_PATH_PATTERN = '^(/[A-Za-z0-9_.-]+)+$';
const MIN_REQUEST_TIMEOUT_MS = 100;
const MAX_REQUEST_TIMEOUT_MS = 300_000;

const SEGMENTS = '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';
// Every placeholder present; only known placeholders; literal text limited to path-safe characters.
const TEMPLATE_PATTERN =
  '^(?=.*\\{tenant\\})(?=.*\\{project\\})(?=.*\\{environment\\})(?:[A-Za-z0-9_.-]|/|\\{(?:tenant|project|environment)\\})+$';

const KUBERNETES_ROLE: JsonSchema = { type: 'string', minLength: 1, description: 'Vault role bound to the service account.' };
const KUBERNETES_MOUNT: JsonSchema = { type: 'string', pattern: SEGMENTS, default: 'kubernetes', description: 'Mount path of the Kubernetes auth method.' };

export const configSchema: JsonSchema = {
  type: 'object',
  title: 'HashiCorp Vault / OpenBao (KV v2)',
  description: 'Keeps each secret as its own KV v2 secret (field `value`) under a path made from the tenant, project and environment.',
  properties: {
    address: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$',
      description: 'Base URL of the Vault or OpenBao server, e.g. https://vault.example.com:8200',
      examples: ['https://vault.example.com:8200'],
    },
    namespace: {
      type: 'string',
      pattern: SEGMENTS,
      description: 'Vault Enterprise / OpenBao namespace (sent as X-Vault-Namespace). Leave out for the root namespace.',
    },
    mount: { type: 'string', pattern: SEGMENTS, default: DEFAULT_MOUNT, description: 'Mount path of the KV version 2 secrets engine.' },
    pathTemplate: {
      type: 'string',
      pattern: TEMPLATE_PATTERN,
      default: DEFAULT_PATH_TEMPLATE,
      description:
        'Path of an environment under the mount. Must use each of {tenant}, {project} and {environment}; each secret key is a child of this path.',
    },
    auth: {
      oneOf: [
        {
          type: 'object',
          title: 'Token',
          properties: {
            method: { const: 'token' },
            token: { type: 'string', minLength: 1, 'x-keygate-secret': true, description: 'A Vault token (X-Vault-Token).' },
          },
          required: ['method', 'token'],
          additionalProperties: false,
        },
        {
          type: 'object',
          title: 'AppRole',
          properties: {
            method: { const: 'approle' },
            roleId: { type: 'string', minLength: 1, 'x-keygate-secret': true, description: 'AppRole role_id.' },
            secretId: { type: 'string', minLength: 1, 'x-keygate-secret': true, description: 'AppRole secret_id.' },
            mountPath: { type: 'string', pattern: SEGMENTS, default: 'approle', description: 'Mount path of the AppRole auth method.' },
          },
          required: ['method', 'roleId', 'secretId'],
          additionalProperties: false,
        },
        {
          type: 'object',
          title: 'Kubernetes (service-account token file)',
          properties: {
            method: { const: 'kubernetes' },
            role: KUBERNETES_ROLE,
            tokenPath: {
              type: 'string',
              pattern: TOKEN_PATH_PATTERN,
              description: `File holding the service-account JWT, under /var/run/secrets/; default ${DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH}. Re-read at every login.`,
            },
            mountPath: KUBERNETES_MOUNT,
          },
          required: ['method', 'role'],
          additionalProperties: false,
        },
        {
          type: 'object',
          title: 'Kubernetes (inline service-account JWT)',
          properties: {
            method: { const: 'kubernetes' },
            role: KUBERNETES_ROLE,
            jwt: { type: 'string', minLength: 1, 'x-keygate-secret': true, description: 'Service-account JWT.' },
            mountPath: KUBERNETES_MOUNT,
          },
          required: ['method', 'role', 'jwt'],
          additionalProperties: false,
        },
      ],
    },
    requestTimeoutMs: {
      type: 'integer',
      minimum: MIN_REQUEST_TIMEOUT_MS,
      maximum: MAX_REQUEST_TIMEOUT_MS,
      default: DEFAULT_REQUEST_TIMEOUT_MS,
      description: 'Timeout of one HTTP request to Vault, in milliseconds.',
    },
  },
  required: ['address', 'auth'],
  additionalProperties: false,
};

export const capabilities: ProviderCapabilities = Object.freeze({
  versions: true,
  compareAndSet: true,
  labels: true,
  binary: false,
  batchRead: false,
});

function invalid(message: string): KeygateError {
  return new KeygateError('INVALID_CONFIGURATION', `Vault provider: ${message}`);
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${name} must be a non-empty string`);
  return value;
}

function segments(value: unknown, name: string): string {
  const text = nonEmptyString(value, name).replace(/^\/+|\/+$/g, '');
  if (!new RegExp(SEGMENTS).test(text) || text.split('/').some((part) => part === '.' || part === '..')) {
    throw invalid(`${name} must be path segments of letters, digits, "_", "." and "-" separated by "/"`);
  }
  return text;
}

/** The host validates against {@link configSchema} first; this guards direct callers and checks what a schema cannot. */
export function resolveConfig(config: VaultProviderConfig | undefined): ResolvedVaultConfig {
  if (typeof config !== 'object' || config === null) throw invalid('configuration must be an object');
  const known = new Set(Object.keys(configSchema.properties ?? {}));
  for (const name of Object.keys(config)) if (!known.has(name)) throw invalid(`unknown configuration property "${name}"`);

  const address = nonEmptyString(config.address, 'address');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalid('address must be an http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw invalid('address must be an http(s) URL without credentials, query or fragment');
  }

  const auth = config.auth as unknown as Partial<Omit<VaultTokenAuth, 'method'> & Omit<VaultAppRoleAuth, 'method'>> & { method?: unknown } | null | undefined;
  if (typeof auth !== 'object' || auth === null) throw invalid('auth must be an object');
  let resolvedAuth: VaultAuthConfig;
  if (auth.method === 'token') {
    resolvedAuth = { method: 'token', token: nonEmptyString(auth.token, 'auth.token') };
  } else if (auth.method === 'approle') {
    resolvedAuth = {
      method: 'approle',
      roleId: nonEmptyString(auth.roleId, 'auth.roleId'),
      secretId: nonEmptyString(auth.secretId, 'auth.secretId'),
      mountPath: auth.mountPath === undefined ? 'approle' : segments(auth.mountPath, 'auth.mountPath'),
    };
  } else if (auth.method === 'kubernetes') {
    const kubernetes = auth as unknown as Partial<VaultKubernetesAuth>;
    if (kubernetes.jwt !== undefined && kubernetes.tokenPath !== undefined) throw invalid('auth.jwt and auth.tokenPath exclude each other');
    const tokenPath = kubernetes.tokenPath === undefined ? undefined : nonEmptyString(kubernetes.tokenPath, 'auth.tokenPath');
    if (tokenPath !== undefined && (!new RegExp(TOKEN_PATH_PATTERN).test(tokenPath) || tokenPath.split('/').some((part) => part === '.' || part === '..'))) {
      throw invalid('auth.tokenPath must be an absolute file path without "." or ".." segments');
    }
    resolvedAuth = {
      method: 'kubernetes',
      role: nonEmptyString(kubernetes.role, 'auth.role'),
      ...(kubernetes.jwt === undefined ? { tokenPath: tokenPath ?? DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH } : { jwt: nonEmptyString(kubernetes.jwt, 'auth.jwt') }),
      mountPath: kubernetes.mountPath === undefined ? 'kubernetes' : segments(kubernetes.mountPath, 'auth.mountPath'),
    };
  } else {
    throw invalid('auth.method must be "token", "approle" or "kubernetes"');
  }

  const requestTimeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < MIN_REQUEST_TIMEOUT_MS || requestTimeoutMs > MAX_REQUEST_TIMEOUT_MS) {
    throw invalid(`requestTimeoutMs must be an integer from ${MIN_REQUEST_TIMEOUT_MS} to ${MAX_REQUEST_TIMEOUT_MS}`);
  }

  let pathTemplate: PathTemplate;
  try {
    pathTemplate = parsePathTemplate(config.pathTemplate ?? DEFAULT_PATH_TEMPLATE);
  } catch (error) {
    throw invalid(`pathTemplate ${(error as Error).message}`);
  }

  return {
    address: url.href.replace(/\/+$/, ''),
    namespace: config.namespace === undefined ? undefined : segments(config.namespace, 'namespace'),
    mount: segments(config.mount ?? DEFAULT_MOUNT, 'mount'),
    pathTemplate,
    auth: resolvedAuth,
    requestTimeoutMs,
  };
}
