import { sdk } from '../sdk.js';
import type { SecretRef } from '@keygate/core';
import type { Caller } from '../client.js';
import type { PathTemplate } from '../paths.js';

/** DeleteParameter removes the parameter, all its versions and tags; ParameterNotFound is NOT_FOUND. */
export async function deleteSecret(caller: Caller, template: PathTemplate, ref: SecretRef): Promise<void> {
  const name = template.name(ref);
  await caller.call('DeleteParameter', `secret "${ref.key}"`, (client, options) => client.send(new sdk.DeleteParameterCommand({ Name: name }), options));
}
