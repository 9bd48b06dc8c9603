import { sdk } from '../sdk.js';
import { InvalidInputError } from '@keygate/core';
import type { Caller } from '../client.js';

const MAX_TAGS = 50;
// AWS tag rules: keys 1–128, values 0–256 characters of letters, digits, spaces and _.:/=+-@;
// the "aws:" prefix is reserved.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks labels against AWS's tag rules before anything is written. */
export function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidInputError('labels must be an object of strings');
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw new InvalidInputError(`AWS Parameter Store allows at most ${MAX_TAGS} labels (tags) per parameter`);
  for (const [name, value] of entries) {
    if (name.length < 1 || name.length > 128 || !TAG_CHARS.test(name) || name.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputError(`label name "${name.slice(0, 128)}" is not a valid AWS tag key (1–128 characters of letters, digits, spaces and _.:/=+-@, not starting with "aws:")`);
    }
    if (typeof value !== 'string' || value.length > 256 || !TAG_CHARS.test(value)) {
      throw new InvalidInputError(`label "${name}" must be a string of at most 256 characters of letters, digits, spaces and _.:/=+-@`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function tagsToLabels(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) labels[tag.Key] = tag.Value ?? '';
  return labels;
}

/** The parameter's tags as labels: ListTagsForResource. */
export async function readTags(caller: Caller, name: string, key: string): Promise<Record<string, string>> {
  const output = await caller.call('ListTagsForResource', `secret "${key}"`, (client, options) =>
    client.send(new sdk.ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }), options),
  );
  return tagsToLabels(output.TagList);
}

/**
 * Makes the parameter's tags exactly `labels`: ListTagsForResource, then RemoveTagsFromResource /
 * AddTagsToResource for the difference. (PutParameter refuses Tags together with Overwrite.)
 */
export async function replaceTags(caller: Caller, name: string, key: string, labels: Record<string, string>, created: boolean): Promise<void> {
  const target = `secret "${key}"`;
  // A parameter this write created has no tags yet: skip the read.
  const current = created ? {} : await readTags(caller, name, key);
  const removed = Object.keys(current).filter((tag) => !(tag in labels));
  const changed = Object.entries(labels).filter(([tag, value]) => current[tag] !== value);
  if (removed.length > 0) {
    await caller.call('RemoveTagsFromResource', target, (client, options) =>
      client.send(new sdk.RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: name, TagKeys: removed }), options),
    );
  }
  if (changed.length > 0) {
    await caller.call('AddTagsToResource', target, (client, options) =>
      client.send(new sdk.AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: name, Tags: changed.map(([Key, Value]) => ({ Key, Value })) }), options),
    );
  }
}
