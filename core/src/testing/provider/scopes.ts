import { expect, it } from 'vitest';
import { expectErrorCode, revealAll } from './assertions.js';
import type { ConformanceContext } from './harness.js';

export function registerScopeCases(ctx: ConformanceContext): void {
  it('returns an empty map for an empty environment', async () => {
    const all = await ctx.provider.getAll(ctx.scope);
    expect(all).toBeInstanceOf(Map);
    expect(all.size).toBe(0);
  });

  it('getAll returns exactly the environment’s keys and nothing from another environment or project', async () => {
    const { scope, otherEnvironment, otherProject } = ctx;
    await ctx.put(ctx.ref('SHARED'), 'here');
    await ctx.put(ctx.ref('ONLY_HERE'), 'only here');
    await ctx.put(ctx.ref('SHARED', otherEnvironment), 'other environment');
    await ctx.put(ctx.ref('ONLY_OTHER_ENV', otherEnvironment), 'x');
    await ctx.put(ctx.ref('SHARED', otherProject), 'other project');
    await ctx.put(ctx.ref('ONLY_OTHER_PROJECT', otherProject), 'y');

    expect(revealAll(await ctx.provider.getAll(scope))).toEqual({ SHARED: 'here', ONLY_HERE: 'only here' });
    expect(revealAll(await ctx.provider.getAll(otherEnvironment))).toEqual({ SHARED: 'other environment', ONLY_OTHER_ENV: 'x' });
    expect(revealAll(await ctx.provider.getAll(otherProject))).toEqual({ SHARED: 'other project', ONLY_OTHER_PROJECT: 'y' });
    await expectErrorCode(ctx.provider.get(ctx.ref('ONLY_OTHER_ENV')), 'NOT_FOUND', 'get of a key that lives in another environment');
    await expectErrorCode(ctx.provider.get(ctx.ref('ONLY_HERE', otherProject)), 'NOT_FOUND', 'get of a key that lives in another project');
  });

  it('writes and deletes in one scope without touching another', async () => {
    await ctx.put(ctx.ref('SHARED'), 'here');
    await ctx.put(ctx.ref('SHARED', ctx.otherEnvironment), 'there');
    await ctx.put(ctx.ref('SHARED'), 'here, updated');
    await ctx.provider.delete(ctx.ref('SHARED'));
    expect(revealAll(await ctx.provider.getAll(ctx.otherEnvironment))).toEqual({ SHARED: 'there' });
    await expectErrorCode(ctx.provider.delete(ctx.ref('SHARED')), 'NOT_FOUND', 'delete of a key deleted in this scope only');
  });

  it('listMetadata lists the environment’s keys and never their values', async () => {
    const values = { ALPHA: 'value-alpha-7f3a91', BETA: 'value-beta-c02e44' };
    const versions: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(values)) versions[key] = (await ctx.put(ctx.ref(key), value)).version;
    await ctx.put(ctx.ref('ELSEWHERE', ctx.otherEnvironment), 'value-elsewhere-9d8e11');

    const metadata = await ctx.provider.listMetadata(ctx.scope);
    expect(metadata.map((entry) => entry.key).sort()).toEqual(['ALPHA', 'BETA']);
    for (const entry of metadata) {
      expect(entry, 'metadata entries carry no value').not.toHaveProperty('value');
      expect(typeof entry.labels, `labels of ${entry.key}`).toBe('object');
      if (ctx.capabilities.versions) expect(entry.version, `version of ${entry.key}`).toBe(versions[entry.key]);
      if (entry.updatedAt !== undefined) expect(entry.updatedAt).toBeInstanceOf(Date);
    }
    const serialised = JSON.stringify(metadata);
    for (const value of [...Object.values(values), 'value-elsewhere-9d8e11']) expect(serialised).not.toContain(value);
  });

  it('listMetadata of an empty environment is empty', async () => {
    expect(await ctx.provider.listMetadata(ctx.scope)).toEqual([]);
  });
}
