import { OUTBOUND_SIGNATURE_HEADER, OUTBOUND_TOLERANCE_SECONDS, signOutbound, signOutboundMulti, verifyOutboundSignature } from '@keygate/core/wire';

/**
 * Receiving what Keygate sends: rotation-function calls, webhook notifications and custom HTTP
 * provider calls, all signed with `X-Bella-Signature: t={unix seconds},v1={hex HMAC}`.
 * This module does not import the HTTP client, so a receiver bundles only what it uses.
 */

/** Lowercase, as Node exposes incoming header names: `req.headers[WEBHOOK_SIGNATURE_HEADER]`. */
export const WEBHOOK_SIGNATURE_HEADER = OUTBOUND_SIGNATURE_HEADER;
export const WEBHOOK_TOLERANCE_SECONDS = OUTBOUND_TOLERANCE_SECONDS;

/**
 * True when `header` carries a `v1` signature of `rawBody` made with one of the secrets (several
 * are accepted so a secret can be rolled without downtime) and its timestamp is within
 * `toleranceSeconds` of now, in the past or the future. Comparison is constant-time.
 *
 * `rawBody` must be the bytes as received: a re-serialised JSON object will not match.
 * An empty secret throws rather than returning false, because it would be a configuration mistake
 * (an unset environment variable) that must not look like a string of forged requests.
 */
export function verifyWebhookSignature(
  secret: string | readonly string[],
  header: string,
  rawBody: string | Uint8Array,
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
  nowMs: number = Date.now(),
): boolean {
  const secrets = checkSecrets(secret);
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError('toleranceSeconds must be a finite number >= 0');
  }
  // A body parsed by a JSON middleware cannot be verified: the signed bytes are gone. Say so
  // instead of failing inside the HMAC or quietly refusing every call.
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhookSignature needs the raw body (a string or bytes as received), not a parsed object');
  }
  // Callers often pass `req.headers[…]` straight through, which may be missing or repeated.
  if (typeof header !== 'string') return false;
  return verifyOutboundSignature(secrets, header, rawBody, toleranceSeconds, nowMs);
}

/**
 * The `X-Bella-Signature` value Keygate would send for `rawBody`; with several secrets, one `v1`
 * per secret. For tests and for services that call a Keygate-compatible receiver themselves.
 * Sign again for every retry, so that each attempt carries a fresh timestamp.
 */
export function signWebhookPayload(secret: string | readonly string[], rawBody: string | Uint8Array, nowMs: number = Date.now()): string {
  const secrets = checkSecrets(secret);
  return secrets.length === 1 ? signOutbound(secrets[0]!, rawBody, nowMs) : signOutboundMulti(secrets, rawBody, nowMs);
}

function checkSecrets(secret: string | readonly string[]): readonly string[] {
  const secrets: unknown = typeof secret === 'string' ? [secret] : secret;
  if (!isSecretList(secrets)) {
    throw new TypeError('the webhook signing secret must be a non-empty string (or a non-empty list of them)');
  }
  return secrets;
}

// Checked at run time too: an unset environment variable arrives here as undefined or ''.
function isSecretList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && (value as unknown[]).every((s) => typeof s === 'string' && s !== '');
}

/**
 * Body of Keygate's calls to an HttpWebhook rotation function. `requestId` is the same on every
 * retry of one rotation run: use it as an idempotency key so a retry does not rotate twice.
 */
export interface KeygateRotationRequest {
  action: 'rotate' | 'revoke';
  secretKey: string;
  projectSlug: string;
  environmentSlug: string;
  requestId: string;
  /** On `revoke`: the `newHandle` an earlier `rotate` returned, naming the credential to retire. */
  oldHandle?: string;
}

/** The same body under the name Bella Baxter rotation functions know it by. */
export type BellaRotationRequest = KeygateRotationRequest;

/** Answer to `rotate` (2xx). `newHandle` lets a later `revoke` find this credential again. */
export interface KeygateRotationResponse {
  newValue: string;
  newHandle?: string;
}

/** Answer to `revoke` (2xx). */
export interface KeygateRevokeResponse {
  success: true;
}

/** Body of a failure answer (any non-2xx) from a rotation function or an HttpRest provider. */
export interface KeygateErrorResponse {
  error: string;
}

/** Body of Keygate's calls to a custom HTTP (`HttpRest`) secret provider. */
export interface HttpRestProviderRequest {
  action: 'list' | 'get' | 'set' | 'delete';
  /** The scope's path, from the provider's configured path template. */
  path: string;
  /** Present for `get`, `set` and `delete`. */
  key?: string;
  /** Present for `set`. */
  value?: string;
  requestId: string;
}

/** 2xx answers of an HttpRest provider: `list` → secrets, `get` → value, `set`/`delete` → success. */
export type HttpRestProviderResponse = { secrets: Record<string, string> } | { value: string } | { success: true };
