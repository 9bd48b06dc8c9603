import { sdk } from '../sdk.js';
import { NotFoundError, Secret, type GetOptions, type SecretRef, type SecretScope, type SecretValue } from '@keygate/core';
import type { Caller } from '../client.js';
import { toKeygateError } from '../failures.js';
import type { NameTemplate } from '../names.js';
import { listScope } from './list.js';

/** BatchGetSecretValue takes at most 20 secret ids per call. */
export const BATCH_SIZE = 20;
/** Batches in flight at once for one getAll (the account-wide limit is 100 calls/s). */
const BATCH_CONCURRENCY = 4;
/** AWS version ids are 32–64 characters (a UUID when Keygate wrote them). */
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

/** A SecretString as it is; a SecretBinary as the base64 of its bytes (the API's `binary` type). */
function valueOf(key: string, output: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }): { text: string; binary: boolean } {
  if (output.SecretString !== undefined) return { text: output.SecretString, binary: false };
  if (output.SecretBinary !== undefined) return { text: Buffer.from(output.SecretBinary).toString('base64'), binary: true };
  throw new NotFoundError(`secret "${key}" has no value`);
}

export async function getSecret(caller: Caller, template: NameTemplate, ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
  const name = template.name(ref);
  const { version } = options;
  if (version !== undefined && (typeof version !== 'string' || !VERSION_ID.test(version))) {
    throw new NotFoundError(`secret "${ref.key}" has no version of that id`);
  }
  const output = await caller.call('GetSecretValue', `secret "${ref.key}"`, (client, options) => client.send(new sdk.GetSecretValueCommand({ SecretId: name, ...(version === undefined ? {} : { VersionId: version }) }), options));
  const { text, binary } = valueOf(ref.key, output);
  return { key: ref.key, value: new Secret(text), ...(output.VersionId === undefined ? {} : { version: output.VersionId }), ...(binary ? { binary } : {}) };
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A whole environment: ListSecrets (paged) for the names, then BatchGetSecretValue 20 names at a
 * time — 100 secrets cost 1 list call and 5 batch calls. A secret deleted between the two steps is
 * left out; any other per-secret error fails the read.
 */
export async function getAllSecrets(caller: Caller, template: NameTemplate, scope: SecretScope): Promise<Map<string, Secret>> {
  const listed = await listScope(caller, template, scope);
  const keyByName = new Map(listed.map(({ name, key }) => [name, key]));
  const chunks: string[][] = [];
  for (let i = 0; i < listed.length; i += BATCH_SIZE) chunks.push(listed.slice(i, i + BATCH_SIZE).map(({ name }) => name));

  const values = new Map<string, Secret>();
  await inParallel(chunks, BATCH_CONCURRENCY, async (names) => {
    let nextToken: string | undefined;
    do {
      const output = await caller.call('BatchGetSecretValue', `environment ${scope.tenant}/${scope.project}/${scope.environment}`, (client, options) => client.send(new sdk.BatchGetSecretValueCommand({ SecretIdList: names, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }), options));
      for (const error of output.Errors ?? []) {
        if (error.ErrorCode === 'ResourceNotFoundException') continue;
        const key = keyByName.get(error.SecretId ?? '') ?? error.SecretId ?? 'unknown';
        throw toKeygateError({ name: error.ErrorCode ?? 'Error', $metadata: { httpStatusCode: 400 } }, { operation: 'BatchGetSecretValue', target: `secret "${key}"` });
      }
      for (const entry of output.SecretValues ?? []) {
        const key = keyByName.get(entry.Name ?? '');
        if (key !== undefined) values.set(key, new Secret(valueOf(key, entry).text));
      }
      nextToken = output.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
  });
  // Listing order, so results are stable.
  return new Map(listed.filter(({ key }) => values.has(key)).map(({ key }) => [key, values.get(key)!]));
}
