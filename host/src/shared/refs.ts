import { ConflictError } from '@keygate/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{projectRef}`-style path values are an id when they look like one, a slug otherwise. */
export function isUuid(ref: string): boolean {
  return UUID.test(ref);
}

/** Where-clause column for a ref: `id` for UUIDs, `slug` otherwise. */
export function refColumn(ref: string): 'id' | 'slug' {
  return isUuid(ref) ? 'id' : 'slug';
}

/** A slug derived from a display name: lowercase ASCII letters, digits and single dashes. */
export function slugify(name: string, fallback: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/**
 * Picks the slug for a new row: the given one (conflict if taken), or one derived from the name
 * with `-2`, `-3`, … appended until free.
 */
export async function chooseSlug(given: string | undefined, name: string, fallback: string, taken: (slug: string) => Promise<boolean>, what: string): Promise<string> {
  if (given !== undefined) {
    if (await taken(given)) throw new ConflictError(`${what} with slug "${given}" already exists`);
    return given;
  }
  const base = slugify(name, fallback);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base.slice(0, 63 - String(n).length - 1)}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new ConflictError(`no free slug for ${what} "${name}"`);
}

/** Maps a unique-constraint violation (a lost creation race) to 409. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
