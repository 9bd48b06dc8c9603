import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Both sides are hashed first so that inputs of different
 * lengths take the same time and `timingSafeEqual` never throws. (One-shot `hash` rather than a
 * Hash object per side: this runs on every bearer request.)
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const ha = hash('sha256', a, 'buffer');
  const hb = hash('sha256', b, 'buffer');
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
