import { KeygateError, UnsupportedError, type PutOptions, type PutResult, type Secret, type SecretRef } from '@keygate/core';
import type { SecretClient } from '@azure/keyvault-secrets';
import { statusOf } from '../failures.js';
import { checkLabels, type Context } from './shared.js';

/** Key Vault stores secret values of at most 25 KiB. */
export const MAX_VALUE_BYTES = 25_600;

/**
 * Writes a new version (SetSecret), with the labels as the version's tags. `ifVersion` is refused:
 * Key Vault has no atomic compare-and-set.
 *
 * Soft delete: when the name is held by a deleted secret, SetSecret answers 409. The write then
 * purges it (purgeOnDelete) or recovers it (purgeOnDelete: false, or purge refused; previous versions come back), and
 * the 409 is retried with backoff until the name is free.
 */
export async function putSecret(ctx: Context, ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
  if (options.ifVersion !== undefined) {
    throw new UnsupportedError('Azure Key Vault has no atomic compare-and-set: ifVersion is not supported (capabilities.compareAndSet is false)', { key: ref.key });
  }
  const tags = options.labels === undefined ? undefined : checkLabels(options.labels);
  const name = ctx.template.name(ref);
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new KeygateError('PAYLOAD_TOO_LARGE', `secret "${ref.key}" is larger than the ${MAX_VALUE_BYTES} bytes Azure Key Vault stores`);
  }
  const secret = await ctx.caller.call('SetSecret', `secret "${ref.key}"`, async (client, { abortSignal }) => {
    try {
      return await client.setSecret(name, value.reveal(), { abortSignal, ...(tags === undefined ? {} : { tags }) });
    } catch (error) {
      if (statusOf(error) === 409) await freeDeletedName(ctx, client, name, abortSignal);
      throw error; // retried by the caller: 409 is retryable
    }
  });
  return secret.properties.version === undefined ? {} : { version: secret.properties.version };
}

async function freeDeletedName(ctx: Context, client: SecretClient, name: string, abortSignal: AbortSignal): Promise<void> {
  try {
    await client.getDeletedSecret(name, { abortSignal });
  } catch {
    return; // not (or no longer) a deleted secret: the name is being purged or recovered; retry later
  }
  try {
    if (ctx.purgeOnDelete) {
      try {
        await client.purgeDeletedSecret(name, { abortSignal });
        return;
      } catch (error) {
        // Purge protection (or no purge permission): recovering is the other way to free the name.
        if (statusOf(error) !== 403) throw error;
      }
    }
    const poller = await client.beginRecoverDeletedSecret(name, { abortSignal, intervalInMs: ctx.caller.pollIntervalMs });
    await poller.pollUntilDone({ abortSignal });
  } catch {
    // Another writer may have freed it first; the retried SetSecret tells.
  }
}
