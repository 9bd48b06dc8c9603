import { InvalidInputError, KeygateError, type PutOptions, type PutResult, type Secret, type SecretRef } from '@keygate/core';
import type { VaultApi } from '../api.js';
import type { VaultLayout } from '../path-template.js';
import { VALUE_FIELD } from './read.js';
import { parseVersion, responseData } from './shapes.js';

// Vault's limits on custom_metadata.
const MAX_LABELS = 64;
const MAX_LABEL_KEY_BYTES = 128;
const MAX_LABEL_VALUE_BYTES = 512;

function checkLabels(labels: Record<string, string>): void {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw new InvalidInputError(`Vault provider: at most ${MAX_LABELS} labels`);
  for (const [name, value] of entries) {
    if (name === '' || Buffer.byteLength(name) > MAX_LABEL_KEY_BYTES) throw new InvalidInputError(`Vault provider: label names must be 1–${MAX_LABEL_KEY_BYTES} bytes`);
    if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_LABEL_VALUE_BYTES) {
      throw new InvalidInputError(`Vault provider: label "${name}" must be a string of at most ${MAX_LABEL_VALUE_BYTES} bytes`);
    }
  }
}

/**
 * `POST {mount}/data/{path}/{key}` with `{data: {value}, options: {cas}}`, then, when labels are
 * given, `POST {mount}/metadata/{path}/{key}` with `{custom_metadata}` (replacing the labels).
 * The two calls are not atomic: if the second fails, the value is written and the error raised.
 */
export async function putSecret(api: VaultApi, layout: VaultLayout, ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
  if (options.labels !== undefined) checkLabels(options.labels);
  const path = layout.dataPath(ref);
  const body: { data: Record<string, string>; options?: { cas: number } } = { data: { [VALUE_FIELD]: value.reveal() } };
  if (options.ifVersion !== undefined) body.options = { cas: options.ifVersion === null ? 0 : parseVersion(options.ifVersion, 'ifVersion') };
  const written = responseData(await api.write(path, body, `writing ${ref.key}`))?.version;
  if (typeof written !== 'number') throw new KeygateError('PROVIDER_REJECTED', `Vault answered the write of ${ref.key} without a version (is ${layout.mount} a KV v2 mount?)`);
  if (options.labels !== undefined) await api.write(layout.metadataPath(ref), { custom_metadata: options.labels }, `labelling ${ref.key}`);
  return { version: String(written) };
}
