import { type ParameterMetadata } from '@aws-sdk/client-ssm';
import { sdk } from '../sdk.js';
import type { SecretMetadata, SecretScope } from '@keygate/core';
import type { Caller } from '../client.js';
import { keyOf, type PathTemplate } from '../paths.js';
import { readTags } from './labels.js';
import { describeScope } from './read.js';

/** DescribeParameters returns at most 50 parameters per page. */
export const DESCRIBE_PAGE_SIZE = 50;
/** ListTagsForResource calls in flight at once (SSM's default limit is 40 calls/s per account). */
const TAG_CONCURRENCY = 4;

export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Keys, current versions, dates (DescribeParameters, one level under the path) and tags; never values. */
export async function listMetadata(caller: Caller, template: PathTemplate, scope: SecretScope): Promise<SecretMetadata[]> {
  const path = template.path(scope);
  const listed: { key: string; name: string; entry: ParameterMetadata }[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await caller.call('DescribeParameters', describeScope(scope), (client, options) =>
      client.send(
        new sdk.DescribeParametersCommand({
          ParameterFilters: [{ Key: 'Path', Option: 'OneLevel', Values: [path] }],
          MaxResults: DESCRIBE_PAGE_SIZE,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
        options,
      ),
    );
    for (const entry of page.Parameters ?? []) {
      const key = entry.Name === undefined ? undefined : keyOf(entry.Name, path);
      if (key !== undefined && entry.Name !== undefined) listed.push({ key, name: entry.Name, entry });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== '');

  const labels = new Map<string, Record<string, string>>();
  await inParallel(listed, TAG_CONCURRENCY, async ({ key, name }) => {
    try {
      labels.set(key, await readTags(caller, name, key));
    } catch (error) {
      // Deleted between the listing and the tag read: leave it out.
      if ((error as { code?: unknown }).code !== 'NOT_FOUND') throw error;
    }
  });
  return listed
    .filter(({ key }) => labels.has(key))
    .map(({ key, entry }): SecretMetadata => ({
      key,
      ...(entry.Version === undefined ? {} : { version: String(entry.Version) }),
      labels: labels.get(key)!,
      ...(entry.LastModifiedDate === undefined ? {} : { updatedAt: entry.LastModifiedDate }),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Connectivity and credentials: one DescribeParameters call under the template's fixed prefix. */
export async function checkAccess(caller: Caller, template: PathTemplate): Promise<void> {
  const filter = template.staticPrefix === '/' ? {} : { ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [template.staticPrefix] }] };
  await caller.call('DescribeParameters', 'the connectivity check', (client, options) => client.send(new sdk.DescribeParametersCommand({ MaxResults: 1, ...filter }), options));
}
