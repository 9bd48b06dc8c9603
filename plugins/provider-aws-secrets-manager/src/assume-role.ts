import { createRequire } from 'node:module';
import type * as StsSdk from '@aws-sdk/client-sts';
import { ProviderAuthError } from '@keygate/core';
import type { AwsCredentialsConfig, ResolvedConfig } from './config.js';

// Loaded like the Secrets Manager client (see sdk.ts): the CommonJS build Node picks anyway.
const sts = createRequire(import.meta.url)('@aws-sdk/client-sts') as typeof StsSdk;

/** What the AWS SDK accepts as a credential provider (the shape of its `AwsCredentialIdentity`). */
interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Temporary credentials of an assumed role, and the STS client that obtains them. */
export interface AssumedRole {
  credentials: () => Promise<TemporaryCredentials>;
  close(): void;
}

/**
 * STS AssumeRole with the static credentials (or the SDK's default chain when there are none).
 * The Secrets Manager client memoises the provider and calls it again shortly before `expiration`,
 * so one AssumeRole serves until the credentials are about to run out. STS errors (AccessDenied,
 * throttling, network) surface through the Secrets Manager call and are classified there.
 */
export function assumeRole(config: ResolvedConfig & { assumeRole: NonNullable<ResolvedConfig['assumeRole']> }, base: AwsCredentialsConfig | undefined): AssumedRole {
  const role = config.assumeRole;
  const client = new sts.STSClient({
    region: config.region,
    ...(role.endpoint === undefined ? {} : { endpoint: role.endpoint }),
    ...(base === undefined ? {} : { credentials: { ...base } }),
    maxAttempts: config.maxAttempts,
    requestHandler: { connectionTimeout: Math.min(config.timeoutMs, 5_000), requestTimeout: config.timeoutMs },
  });
  const credentials = async (): Promise<TemporaryCredentials> => {
    const output = await client.send(
      new sts.AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        DurationSeconds: role.durationSeconds,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
    );
    const issued = output.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new ProviderAuthError('AWS STS AssumeRole answered without credentials');
    return {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      ...(issued.SessionToken === undefined ? {} : { sessionToken: issued.SessionToken }),
      ...(issued.Expiration === undefined ? {} : { expiration: issued.Expiration }),
    };
  };
  return { credentials, close: () => client.destroy() };
}
