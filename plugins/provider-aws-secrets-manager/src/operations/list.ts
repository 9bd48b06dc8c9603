import { type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { sdk } from '../sdk.js';
import type { SecretMetadata, SecretScope } from '@keygate/core';
import type { Caller } from '../client.js';
import { keyOf, type NameTemplate } from '../names.js';

export interface ListedSecret {
  key: string;
  name: string;
  entry: SecretListEntry;
}

function describeScope(scope: SecretScope): string {
  return `environment ${scope.tenant}/${scope.project}/${scope.environment}`;
}

/**
 * Every secret directly under the scope's prefix: ListSecrets with a `name` filter, all pages.
 * The filter narrows the listing server-side; the exact prefix is checked again here because
 * AWS's name filter is a loose match, and names with a further "/" belong to no key of this scope.
 */
export async function listScope(caller: Caller, template: NameTemplate, scope: SecretScope): Promise<ListedSecret[]> {
  const prefix = template.prefix(scope);
  const found: ListedSecret[] = [];
  let nextToken: string | undefined;
  do {
    const page = await caller.call('ListSecrets', describeScope(scope), (client, options) => client.send(new sdk.ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 100, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }), options));
    for (const entry of page.SecretList ?? []) {
      if (entry.Name === undefined || entry.DeletedDate !== undefined) continue;
      const key = keyOf(entry.Name, prefix);
      if (key !== undefined) found.push({ key, name: entry.Name, entry });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return found;
}

/** The version carrying the AWSCURRENT staging label. */
export function currentVersion(versionsToStages: Record<string, string[]> | undefined): string | undefined {
  for (const [version, stages] of Object.entries(versionsToStages ?? {})) if (stages.includes('AWSCURRENT')) return version;
  return undefined;
}

export function tagsToLabels(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) labels[tag.Key] = tag.Value ?? '';
  return labels;
}

export async function listMetadata(caller: Caller, template: NameTemplate, scope: SecretScope): Promise<SecretMetadata[]> {
  const listed = await listScope(caller, template, scope);
  return listed
    .map(({ key, entry }): SecretMetadata => {
      const version = currentVersion(entry.SecretVersionsToStages);
      const updatedAt = entry.LastChangedDate ?? entry.CreatedDate;
      return { key, ...(version === undefined ? {} : { version }), labels: tagsToLabels(entry.Tags), ...(updatedAt === undefined ? {} : { updatedAt }) };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Connectivity and credentials: one ListSecrets call under the template's fixed prefix. */
export async function checkAccess(caller: Caller, template: NameTemplate): Promise<void> {
  const filter = template.staticPrefix === '' ? {} : { Filters: [{ Key: 'name' as const, Values: [template.staticPrefix] }] };
  await caller.call('ListSecrets', 'the connectivity check', (client, options) => client.send(new sdk.ListSecretsCommand({ MaxResults: 1, ...filter }), options));
}
