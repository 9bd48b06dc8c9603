import { isKeygateError, type Logger, type SecretRef } from '@keygate/core';
import type { Context } from './shared.js';

/**
 * Soft delete (BeginDeleteSecret, polled until the deleted secret is visible), then purge when
 * `purgeOnDelete` is set. A refused purge (purge protection, or no purge permission) is logged and
 * leaves a recoverable deleted secret: the delete itself has happened, and a later write of the same
 * key purges or recovers it.
 */
export async function deleteSecret(ctx: Context, ref: SecretRef, logger: Logger): Promise<void> {
  const name = ctx.template.name(ref);
  const target = `secret "${ref.key}"`;
  await ctx.caller.call('DeleteSecret', target, async (client, { abortSignal }) => {
    const poller = await client.beginDeleteSecret(name, { abortSignal, intervalInMs: ctx.caller.pollIntervalMs });
    await poller.pollUntilDone({ abortSignal });
  });
  if (!ctx.purgeOnDelete) return;
  try {
    await ctx.caller.call('PurgeDeletedSecret', target, (client, { abortSignal }) => client.purgeDeletedSecret(name, { abortSignal }));
  } catch (error) {
    if (isKeygateError(error) && error.code === 'NOT_FOUND') return;
    if (isKeygateError(error) && error.code === 'PROVIDER_AUTH_FAILED') {
      logger.warn('Azure Key Vault refused to purge a deleted secret; it stays soft-deleted and recoverable', { key: ref.key, reason: error.message });
      return;
    }
    throw error;
  }
}
