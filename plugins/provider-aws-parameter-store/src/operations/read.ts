import { sdk } from '../sdk.js';
import { NotFoundError, Secret, type GetOptions, type SecretRef, type SecretScope, type SecretValue } from '@keygate/core';
import type { Caller } from '../client.js';
import type { PathTemplate } from '../paths.js';
import { keyOf } from '../paths.js';
import { decodeValue } from '../values.js';

/** GetParametersByPath returns at most 10 parameters per page. */
export const PAGE_SIZE = 10;
/** SSM versions are positive integers. */
const VERSION = /^[1-9][0-9]{0,8}$/;

export function describeScope(scope: SecretScope): string {
  return `environment ${scope.tenant}/${scope.project}/${scope.environment}`;
}

/** One parameter, decrypted; an old version through the `name:version` selector. */
export async function getSecret(caller: Caller, template: PathTemplate, ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
  const name = template.name(ref);
  const { version } = options;
  if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) {
    throw new NotFoundError(`secret "${ref.key}" has no version "${String(version).slice(0, 20)}" (SSM versions are positive integers)`);
  }
  const output = await caller.call('GetParameter', `secret "${ref.key}"`, (client, options) =>
    client.send(new sdk.GetParameterCommand({ Name: version === undefined ? name : `${name}:${version}`, WithDecryption: true }), options),
  );
  const parameter = output.Parameter;
  if (parameter === undefined) throw new NotFoundError(`secret "${ref.key}" does not exist in AWS Parameter Store`);
  return { key: ref.key, value: new Secret(decodeValue(parameter.Value)), ...(parameter.Version === undefined ? {} : { version: String(parameter.Version) }) };
}

/**
 * A whole environment: GetParametersByPath (not recursive, decrypted) 10 parameters a page, all
 * pages — 100 secrets cost 10 calls. Only direct children of the scope's path are keys.
 */
export async function getAllSecrets(caller: Caller, template: PathTemplate, scope: SecretScope): Promise<Map<string, Secret>> {
  const path = template.path(scope);
  const values = new Map<string, Secret>();
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await caller.call('GetParametersByPath', describeScope(scope), (client, options) =>
      client.send(new sdk.GetParametersByPathCommand({ Path: path, Recursive: false, WithDecryption: true, MaxResults: PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }), options),
    );
    for (const parameter of page.Parameters ?? []) {
      const key = parameter.Name === undefined ? undefined : keyOf(parameter.Name, path);
      if (key !== undefined) values.set(key, new Secret(decodeValue(parameter.Value)));
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return new Map([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
