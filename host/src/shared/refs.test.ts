import { describe, expect, it } from 'vitest';
import { chooseSlug, isUuid, slugify } from './refs.js';

describe('slugs and refs', () => {
  it('derives slugs from names', () => {
    expect(slugify('Billing API', 'x')).toBe('billing-api');
    expect(slugify('  Ünïcödé -- Prod!! ', 'x')).toBe('unicode-prod');
    expect(slugify('日本', 'project')).toBe('project');
    expect(slugify('a'.repeat(100), 'x')).toHaveLength(63);
  });

  it('appends a counter until the slug is free, and refuses a taken explicit slug', async () => {
    const taken = new Set(['api', 'api-2']);
    expect(await chooseSlug(undefined, 'API', 'x', async (s) => taken.has(s), 'project')).toBe('api-3');
    await expect(chooseSlug('api', 'API', 'x', async (s) => taken.has(s), 'project')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('tells ids from slugs', () => {
    expect(isUuid('5f0c9a4e-8f0b-4b8e-9a57-1f1f7e0b6c2d')).toBe(true);
    expect(isUuid('production')).toBe(false);
  });
});
