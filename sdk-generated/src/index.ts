/**
 * @keygate/sdk — typed client for the Keygate HTTP API (generated from openapi.yaml), with request
 * signing, end-to-end encryption and webhook verification. The wire rules come from
 * `@keygate/core/wire`, so the client and the server cannot drift apart.
 */
export {
  createKeygateClient,
  type KeygateClient,
  type KeygateClientOptions,
  type KeygateAuthMode,
  type RequestOptions,
  type GetSecretOptions,
  type SetSecretOptions,
} from './client.js';
export {
  createConfig,
  DEFAULT_POLL_INTERVAL_MS,
  type KeygateConfig,
  type KeygateConfigOptions,
  type ConfigChanges,
} from './config.js';
export { bearerAuthMiddleware, signedRequestMiddleware, requireApiKey } from './auth.js';
export { e2eeMiddleware, E2EE_PLAINTEXT_REFUSED } from './e2ee.js';
export { KeygateApiError, KeygateProtocolError } from './errors.js';
export { exchangeOidcToken, type ExchangeOidcTokenOptions, type ExchangedKey } from './exchange.js';
export {
  verifyWebhookSignature,
  signWebhookPayload,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TOLERANCE_SECONDS,
  type KeygateRotationRequest,
  type BellaRotationRequest,
  type KeygateRotationResponse,
  type KeygateRevokeResponse,
  type KeygateErrorResponse,
  type HttpRestProviderRequest,
  type HttpRestProviderResponse,
} from './webhooks.js';
export type * from './types.js';
export type { paths, components, operations } from './generated/openapi.js';
export { SDK_VERSION, DEFAULT_USER_AGENT } from './version.js';
