import { sdk } from '../sdk.js';
import { NotFoundError, type SecretRef } from '@keygate/core';
import type { Caller } from '../client.js';
import type { NameTemplate } from '../names.js';

/**
 * Deletes the secret and all its versions at once (ForceDeleteWithoutRecovery): a Keygate delete
 * is final, and a secret left in its recovery window would block writing the key again. A secret
 * already scheduled for deletion counts as missing.
 */
export async function deleteSecret(caller: Caller, template: NameTemplate, ref: SecretRef): Promise<void> {
  const name = template.name(ref);
  const target = `secret "${ref.key}"`;
  const described = await caller.call('DescribeSecret', target, (client, options) => client.send(new sdk.DescribeSecretCommand({ SecretId: name }), options));
  if (described.DeletedDate !== undefined) throw new NotFoundError(`${target} does not exist in AWS Secrets Manager`);
  await caller.call('DeleteSecret', target, (client, options) => client.send(new sdk.DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }), options));
}
