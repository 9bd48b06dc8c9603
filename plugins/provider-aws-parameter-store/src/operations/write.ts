import { sdk } from '../sdk.js';
import { KeygateError, UnsupportedError, type PutOptions, type PutResult, type Secret, type SecretRef } from '@keygate/core';
import type { Caller } from '../client.js';
import { MAX_VALUE_BYTES, type ParameterTier } from '../config.js';
import type { PathTemplate } from '../paths.js';
import { encodeValue } from '../values.js';
import { checkLabels, replaceTags } from './labels.js';

export interface WriteSettings {
  kmsKeyId: string | undefined;
  tier: ParameterTier | undefined;
}

/**
 * Writes a new version: PutParameter (SecureString, Overwrite) — SSM numbers versions 1, 2, 3 … and
 * returns the new one. With `labels`, the tags are then made exactly the labels
 * (ListTagsForResource, RemoveTagsFromResource, AddTagsToResource); not atomic with the value
 * write. A write without `labels` keeps the tags.
 *
 * `ifVersion` is refused: SSM has no atomic compare-and-set, and a read-then-write check would be
 * a race presented as a guarantee.
 */
export async function putSecret(caller: Caller, template: PathTemplate, settings: WriteSettings, ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
  if (options.ifVersion !== undefined) {
    throw new UnsupportedError('AWS Parameter Store has no atomic compare-and-set: ifVersion is not supported (capabilities.compareAndSet is false)', { key: ref.key });
  }
  const labels = options.labels === undefined ? undefined : checkLabels(options.labels);
  const name = template.name(ref);
  const limit = MAX_VALUE_BYTES[settings.tier ?? 'Standard'];
  if (value.byteLength > limit) {
    throw new KeygateError('PAYLOAD_TOO_LARGE', `secret "${ref.key}" is larger than the ${limit} bytes a ${settings.tier ?? 'Standard'}-tier SSM parameter stores`);
  }
  const stored = encodeValue(ref.key, value.reveal());
  const written = await caller.call('PutParameter', `secret "${ref.key}"`, (client, options) =>
    client.send(
      new sdk.PutParameterCommand({
        Name: name,
        Value: stored,
        Type: 'SecureString',
        Overwrite: true,
        ...(settings.kmsKeyId === undefined ? {} : { KeyId: settings.kmsKeyId }),
        ...(settings.tier === undefined ? {} : { Tier: settings.tier }),
      }),
      options,
    ),
  );
  if (labels !== undefined) await replaceTags(caller, name, ref.key, labels, written.Version === 1);
  return written.Version === undefined ? {} : { version: String(written.Version) };
}
