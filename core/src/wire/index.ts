/**
 * @keygate/core/wire — the wire contract of Keygate (Bella Baxter compatible), written once.
 * Dependency-free: only node:crypto. Used by the host, the SDK, the CLI and the templates.
 */
export * from './api-key.js';
export * from './request-signing.js';
export * from './outbound-signature.js';
export * from './e2ee.js';
export { timingSafeEqualString } from './timing-safe.js';
