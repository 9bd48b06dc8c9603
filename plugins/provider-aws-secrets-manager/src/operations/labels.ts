import { type Tag } from '@aws-sdk/client-secrets-manager';
import { sdk } from '../sdk.js';
import { InvalidInputError } from '@keygate/core';
import type { Caller } from '../client.js';
import { tagsToLabels } from './list.js';

const MAX_TAGS = 50;
// AWS tag rules: keys 1–128, values 0–256 characters of letters, digits, spaces and _.:/=+-@;
// the "aws:" prefix is reserved.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks labels against AWS's tag rules before anything is written. */
export function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidInputError('labels must be an object of strings');
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw new InvalidInputError(`AWS Secrets Manager allows at most ${MAX_TAGS} labels (tags) per secret`);
  for (const [name, value] of entries) {
    if (name.length < 1 || name.length > 128 || !TAG_CHARS.test(name) || name.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputError(`label name "${name}" is not a valid AWS tag key (1–128 characters of letters, digits, spaces and _.:/=+-@, not starting with "aws:")`);
    }
    if (typeof value !== 'string' || value.length > 256 || !TAG_CHARS.test(value)) {
      throw new InvalidInputError(`label "${name}" must be a string of at most 256 characters of letters, digits, spaces and _.:/=+-@`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function labelsToTags(labels: Record<string, string>): Tag[] {
  return Object.entries(labels).map(([Key, Value]) => ({ Key, Value }));
}

/** Makes the secret's tags exactly `labels`: DescribeSecret, then UntagResource / TagResource for the difference. */
export async function replaceTags(caller: Caller, name: string, key: string, labels: Record<string, string>): Promise<void> {
  const target = `secret "${key}"`;
  const described = await caller.call('DescribeSecret', target, (client, options) => client.send(new sdk.DescribeSecretCommand({ SecretId: name }), options));
  const current = tagsToLabels(described.Tags);
  const removed = Object.keys(current).filter((tag) => !(tag in labels));
  const changed = Object.entries(labels).filter(([tag, value]) => current[tag] !== value);
  if (removed.length > 0) await caller.call('UntagResource', target, (client, options) => client.send(new sdk.UntagResourceCommand({ SecretId: name, TagKeys: removed }), options));
  if (changed.length > 0) await caller.call('TagResource', target, (client, options) => client.send(new sdk.TagResourceCommand({ SecretId: name, Tags: changed.map(([Key, Value]) => ({ Key, Value })) }), options));
}
