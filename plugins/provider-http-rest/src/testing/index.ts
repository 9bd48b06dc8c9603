/** Real HTTP servers for tests of the HttpRest provider (and of anything that calls similar APIs). */
export { ContractEndpoint, type ContractCall } from './contract-endpoint.js';
export { KeyPerResourceApi, type FixtureAuth } from './key-per-resource-api.js';
export { DocumentApi } from './document-api.js';
export { faults, type Fault } from './http-fixture.js';
export { documentConfig, keyPerResourceConfig } from './fixture-configs.js';
