/**
 * @keygate/core/testing — conformance suites that every plugin runs, ours and third parties' alike,
 * to prove it honours the contract. Needs vitest (an optional peer dependency of core).
 */
export { describeSecretProviderConformance } from './provider/suite.js';
export type { ConformanceOptions, SecretProviderFixture, SecretProviderHarness } from './provider/harness.js';
export { expectErrorCode } from './provider/assertions.js';
export { createTestPluginServices, silentLogger } from './services.js';
export { describeIdentityProviderConformance, type IdentityProviderHarness } from './identity/suite.js';
export { startTestOidcIssuer, type TestOidcIssuer, type MintOptions } from './identity/oidc-issuer.js';
export { createTestHttpClient, type TestHttpClient, type TestHttpClientOptions } from './http-client.js';
