import { defineProviderType, definePlugin, type ProviderFactoryContext, type RetryPolicy } from '@keygate/core';
import { capabilities, configSchema, type HttpRestProviderConfig } from './config.js';
import { ContractBackend } from './contract-backend.js';
import { DEFAULT_RETRY, type ExchangeContext } from './exchange.js';
import { MappedBackend } from './mapped-backend.js';
import { resolveConfig } from './resolve-config.js';
import { HttpRestSecretProvider } from './session.js';

export { HttpRestSecretProvider } from './session.js';
export { DEFAULT_RETRY } from './exchange.js';
export { CHECK_PATH, DEFAULT_PATH_TEMPLATE } from './scope-path.js';
export { configSchema, capabilities, DEFAULT_REQUEST_TIMEOUT_MS } from './config.js';
export type {
  ContractModeConfig,
  HttpMethod,
  HttpRestProviderConfig,
  MappedAuth,
  MappedDeleteOperation,
  MappedGetOperation,
  MappedListOperation,
  MappedListResponse,
  MappedModeConfig,
  MappedOperation,
} from './config.js';

/** Tuning that is not part of the operator's configuration (tests shorten the backoff). */
export interface HttpRestTuning {
  retry?: Partial<RetryPolicy>;
}

/** Opens an HttpRest session. Every call goes through `services.http`, the host's outbound client. */
export async function createHttpRestProvider(
  { config, services }: ProviderFactoryContext<HttpRestProviderConfig>,
  tuning: HttpRestTuning = {},
): Promise<HttpRestSecretProvider> {
  const resolved = resolveConfig(config);
  const context: ExchangeContext = {
    http: services.http,
    clock: services.clock,
    retry: { ...DEFAULT_RETRY, ...tuning.retry },
    timeoutMs: resolved.requestTimeoutMs,
  };
  const backend =
    resolved.mode === 'contract'
      ? new ContractBackend(context, { url: resolved.url, signingSecret: resolved.signingSecret, headers: resolved.headers })
      : new MappedBackend(context, resolved.operations, resolved.headers);
  return new HttpRestSecretProvider(backend, resolved.path);
}

/** The `HttpRest` provider type: any HTTP secret API. */
export const httpRestProviderType = defineProviderType<HttpRestProviderConfig>({
  kind: 'provider',
  type: 'HttpRest',
  displayName: 'Any HTTP secret API',
  description:
    'Contract mode (default): one POST endpoint receiving signed {action, path, key?, value?, requestId} calls, wire-compatible with Bella Baxter custom providers. Mapped mode: an existing REST API described per operation (method, URL template, headers, JSON body template, JSON Pointers into the answer).',
  configSchema,
  capabilities: () => capabilities,
  create: (context) => createHttpRestProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-http-rest',
  version: '0.1.0',
  description: 'Keygate provider for any HTTP secret API (signed contract endpoint, or a mapped REST API).',
  provides: [httpRestProviderType],
});
