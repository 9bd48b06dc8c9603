import { randomUUID } from 'node:crypto';
import { sdk } from '../sdk.js';
import { KeygateError, UnsupportedError, isKeygateError, type PutOptions, type PutResult, type Secret, type SecretRef } from '@keygate/core';
import type { Caller } from '../client.js';
import type { NameTemplate } from '../names.js';
import { checkLabels, labelsToTags, replaceTags } from './labels.js';

/** SecretString and SecretBinary hold at most 65,536 bytes. */
export const MAX_VALUE_BYTES = 65_536;
/** Create/put ping-pong bound when another writer deletes and creates the same key meanwhile. */
const MAX_ROUNDS = 4;

export interface WriteSettings {
  kmsKeyId: string | undefined;
}

function isCode(error: unknown, code: string): boolean {
  return isKeygateError(error) && error.code === code;
}

function isResourceExists(error: unknown): boolean {
  // A rejected call carries the AWS error name as its cause.
  if (!isKeygateError(error) || error.code !== 'PROVIDER_REJECTED') return false;
  const cause = (error as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'ResourceExistsException';
}

/**
 * Writes a new version. PutSecretValue when the secret exists, CreateSecret (with the labels as
 * tags and the configured KMS key) when it does not; a lost create race becomes a PutSecretValue.
 * One fresh ClientRequestToken (a UUID, which AWS takes as the VersionId) per write, reused across
 * retries of that write, so a retried call never makes a second version.
 *
 * `ifVersion` is refused: AWS has no atomic compare-and-set, and a read-then-write check would
 * be a race presented as a guarantee.
 */
export async function putSecret(caller: Caller, template: NameTemplate, settings: WriteSettings, ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
  if (options.ifVersion !== undefined) {
    throw new UnsupportedError('AWS Secrets Manager has no atomic compare-and-set: ifVersion is not supported (capabilities.compareAndSet is false)', { key: ref.key });
  }
  const labels = options.labels === undefined ? undefined : checkLabels(options.labels);
  const name = template.name(ref);
  // `binary` values are base64 of bytes, stored natively as SecretBinary.
  const bytes = options.binary === true ? Buffer.from(value.reveal(), 'base64') : undefined;
  const payload = bytes === undefined ? { SecretString: value.reveal() } : { SecretBinary: bytes };
  const size = bytes === undefined ? value.byteLength : bytes.byteLength;
  if (size > MAX_VALUE_BYTES) {
    throw new KeygateError('PAYLOAD_TOO_LARGE', `secret "${ref.key}" is larger than the ${MAX_VALUE_BYTES} bytes AWS Secrets Manager stores`);
  }
  const token = randomUUID();
  const target = `secret "${ref.key}"`;

  for (let round = 1; ; round++) {
    try {
      const written = await caller.call('PutSecretValue', target, (client, options) => client.send(new sdk.PutSecretValueCommand({ SecretId: name, ...payload, ClientRequestToken: token }), options));
      if (labels !== undefined) await replaceTags(caller, name, ref.key, labels);
      return { version: written.VersionId ?? token };
    } catch (error) {
      if (!isCode(error, 'NOT_FOUND') || round >= MAX_ROUNDS) throw error;
    }
    try {
      const created = await caller.call('CreateSecret', target, (client, options) => client.send(new sdk.CreateSecretCommand({
          Name: name,
          ...payload,
          ClientRequestToken: token,
          ...(settings.kmsKeyId === undefined ? {} : { KmsKeyId: settings.kmsKeyId }),
          ...(labels === undefined || Object.keys(labels).length === 0 ? {} : { Tags: labelsToTags(labels) }),
          Description: 'Managed by Keygate',
        }), options));
      return { version: created.VersionId ?? token };
    } catch (error) {
      // Someone created it first: write our value as a new version of theirs.
      if (!isResourceExists(error) || round >= MAX_ROUNDS) throw error;
    }
  }
}
