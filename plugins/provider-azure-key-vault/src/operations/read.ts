import { NotFoundError, Secret, type GetOptions, type SecretRef, type SecretScope, type SecretValue } from '@keygate/core';
import { READ_CONCURRENCY, isNotFound, listScope, mapLimit, type Context } from './shared.js';

/** Key Vault version ids are 32 hex characters; anything else cannot name a version here. */
const VERSION_PATTERN = /^[0-9A-Za-z]{1,64}$/;

function scopeTarget(scope: SecretScope): string {
  return `scope ${scope.tenant}/${scope.project}/${scope.environment}`;
}

export async function getSecret(ctx: Context, ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
  const name = ctx.template.name(ref);
  const target = `secret "${ref.key}"`;
  if (options.version !== undefined && !VERSION_PATTERN.test(options.version)) {
    throw new NotFoundError(`${target} has no version "${options.version}" in Azure Key Vault`);
  }
  const secret = await ctx.caller.call('GetSecret', target, (client, { abortSignal }) =>
    client.getSecret(name, { abortSignal, ...(options.version === undefined ? {} : { version: options.version }) }),
  );
  return { key: ref.key, value: new Secret(secret.value ?? ''), ...(secret.properties.version === undefined ? {} : { version: secret.properties.version }) };
}

/** Lists the scope by name prefix (paging), then reads each secret, at most {@link READ_CONCURRENCY} at a time. */
export async function getAllSecrets(ctx: Context, scope: SecretScope): Promise<Map<string, Secret>> {
  const listed = await listScope(ctx, ctx.template.prefix(scope), scopeTarget(scope));
  const read = await mapLimit(listed, READ_CONCURRENCY, async (entry) => {
    try {
      const secret = await ctx.caller.call('GetSecret', `secret "${entry.key}"`, (client, { abortSignal }) => client.getSecret(entry.name, { abortSignal }));
      return [entry.key, new Secret(secret.value ?? '')] as const;
    } catch (error) {
      if (isNotFound(error)) return undefined; // deleted between the listing and the read
      throw error;
    }
  });
  return new Map(read.filter((entry) => entry !== undefined));
}

export { scopeTarget };
