import { expect } from 'vitest';
import { isKeygateError, type ErrorCode } from '../../errors.js';
import type { Secret } from '../../secret.js';

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return JSON.stringify(error) ?? String(error);
}

/**
 * Expects `work` to reject with a Keygate error of this `code`. Matched by code through
 * {@link isKeygateError}, never `instanceof`: the plugin may bring its own copy of core.
 */
export async function expectErrorCode(work: Promise<unknown>, code: ErrorCode, doing: string): Promise<void> {
  let error: unknown;
  try {
    await work;
  } catch (caught) {
    error = caught ?? new Error('rejected with no reason');
  }
  if (error === undefined) expect.fail(`${doing}: expected an error with code ${code}, but the call succeeded`);
  if (!isKeygateError(error)) {
    expect.fail(`${doing}: expected a Keygate error with code ${code} (one isKeygateError recognises), got ${describeError(error)}`);
  }
  expect(error.code, `${doing}: error code (${error.message})`).toBe(code);
}

/** A value must come back as a Secret (duck-typed, for the same reason) holding exactly `expected`. */
export function expectSecret(actual: Secret | undefined, expected: string, what: string): void {
  expect(typeof actual?.reveal, `${what}: a Secret with reveal()`).toBe('function');
  const revealed = actual!.reveal();
  // Compared code unit by code unit: a backend must not normalise Unicode or trim whitespace.
  if (expected.length <= 256) {
    expect(revealed, `${what}: value`).toBe(expected);
  } else {
    // Lengths first, so a mismatch does not print two 64 KiB strings.
    expect(revealed.length, `${what}: value length`).toBe(expected.length);
    expect(revealed === expected, `${what}: value`).toBe(true);
  }
  expect(String(actual), `${what}: a Secret prints as [redacted]`).toBe('[redacted]');
}

/** Reveals every value of a getAll map, for whole-map comparisons. */
export function revealAll(map: ReadonlyMap<string, Secret>): Record<string, string> {
  return Object.fromEntries([...map].map(([key, value]) => [key, value.reveal()]));
}
