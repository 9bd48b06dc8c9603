import type { components } from './generated/openapi.js';

/**
 * Names for the schemas callers handle most, so they need not spell out
 * `components['schemas'][…]`. They are aliases of the generated types, never copies, so a change
 * to openapi.yaml reaches them through `npm run generate`.
 */
type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type ProblemFieldError = NonNullable<Problem['errors']>[number];
export type EnvironmentSecrets = Schemas['EnvironmentSecrets'];
export type EnvironmentSecretsVersion = Schemas['EnvironmentSecretsVersion'];
export type SecretMetadata = Schemas['SecretMetadata'];
export type SecretWithValue = Schemas['SecretWithValue'];
export type SecretUpdate = Schemas['SecretUpdate'];
export type SecretCreate = Schemas['SecretCreate'];
export type SecretType = Schemas['SecretType'];
export type SecretTags = Schemas['Tags'];
export type Project = Schemas['Project'];
export type Environment = Schemas['Environment'];
export type Provider = Schemas['Provider'];
