import type { SecretMetadata, SecretScope } from '@keygate/core';
import { READ_CONCURRENCY, isNotFound, listScope, mapLimit, type Context } from './shared.js';
import { scopeTarget } from './read.js';

/**
 * Keys, current versions and tags. Key Vault's listing does not say which version is current, so
 * each secret's current version is read (the value is dropped at once and never returned).
 */
export async function listMetadata(ctx: Context, scope: SecretScope): Promise<SecretMetadata[]> {
  const listed = await listScope(ctx, ctx.template.prefix(scope), scopeTarget(scope));
  const entries = await mapLimit(listed, READ_CONCURRENCY, async (entry): Promise<SecretMetadata | undefined> => {
    try {
      const { properties } = await ctx.caller.call('GetSecret', `secret "${entry.key}"`, (client, { abortSignal }) => client.getSecret(entry.name, { abortSignal }));
      const updatedAt = properties.updatedOn ?? entry.properties.updatedOn;
      return {
        key: entry.key,
        ...(properties.version === undefined ? {} : { version: properties.version }),
        labels: { ...(properties.tags ?? {}) },
        ...(updatedAt === undefined ? {} : { updatedAt }),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
  return entries.filter((entry) => entry !== undefined);
}

/** Connectivity and permissions: the first page of the listing. */
export async function checkAccess(ctx: Context): Promise<void> {
  await ctx.caller.call('ListSecrets', 'the vault', async (client, { abortSignal }) => {
    await client.listPropertiesOfSecrets({ abortSignal }).byPage({ maxPageSize: 1 }).next();
  });
}
