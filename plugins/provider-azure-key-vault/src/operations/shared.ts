import { InvalidInputError, isKeygateError } from '@keygate/core';
import type { SecretProperties } from '@azure/keyvault-secrets';
import type { AzureCaller } from '../client.js';
import type { NameTemplate } from '../names.js';

/** Parallel requests when a scope is read one secret at a time. */
export const READ_CONCURRENCY = 8;
/** Key Vault limits: 15 tags per secret, 512-character tag names, 256-character tag values. */
export const MAX_TAGS = 15;
export const MAX_TAG_NAME = 512;
export const MAX_TAG_VALUE = 256;

export interface Context {
  caller: AzureCaller;
  template: NameTemplate;
  purgeOnDelete: boolean;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function isNotFound(error: unknown): boolean {
  return isKeygateError(error) && error.code === 'NOT_FOUND';
}

export function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidInputError('labels must be an object of strings');
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw new InvalidInputError(`Azure Key Vault stores at most ${MAX_TAGS} tags per secret`);
  for (const [name, value] of entries) {
    if (name === '' || name.length > MAX_TAG_NAME) throw new InvalidInputError(`label names must have 1 to ${MAX_TAG_NAME} characters`);
    if (typeof value !== 'string' || value.length > MAX_TAG_VALUE) throw new InvalidInputError(`label "${name}" must be a string of at most ${MAX_TAG_VALUE} characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** An enabled secret directly in a scope, with its Keygate key. */
export interface Listed {
  key: string;
  name: string;
  properties: SecretProperties;
}

/** Pages through the vault's secret listing and keeps the enabled secrets under `prefix`. */
export async function listScope(ctx: Context, prefix: string, target: string): Promise<Listed[]> {
  return ctx.caller.call('ListSecrets', target, async (client, { abortSignal }) => {
    const found: Listed[] = [];
    for await (const page of client.listPropertiesOfSecrets({ abortSignal }).byPage()) {
      for (const properties of page) {
        if (properties.enabled === false) continue;
        const key = ctx.template.keyOf(properties.name, prefix);
        if (key !== undefined) found.push({ key, name: properties.name, properties });
      }
    }
    return found;
  });
}
