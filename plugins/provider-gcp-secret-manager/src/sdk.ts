import { createRequire } from 'node:module';
import type * as SecretManagerSdk from '@google-cloud/secret-manager';

/** The official client, a CommonJS package, loaded the way Node loads it (no bundler-only builds). */
const load = createRequire(import.meta.url);
export const sdk = load('@google-cloud/secret-manager') as typeof SecretManagerSdk;

export type SecretManagerClient = SecretManagerSdk.SecretManagerServiceClient;
export type SecretManagerClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerSdk.SecretManagerServiceClient>[0]>;
export type ISecret = SecretManagerSdk.protos.google.cloud.secretmanager.v1.ISecret;
export type ISecretVersion = SecretManagerSdk.protos.google.cloud.secretmanager.v1.ISecretVersion;
/** The per-call options this plugin sets: a subset of google-gax's CallOptions. */
export interface CallOptions {
  /** `null`: the client does not retry; {@link GcpCaller} does. */
  retry: null;
  /** Deadline of the attempt, in ms. */
  timeout: number;
  autoPaginate?: boolean;
}
