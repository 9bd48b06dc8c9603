import { RotationError, type RevocationContext, type RotationContext, type RotationResult } from './rotation-handler.js';

/*
 * YOUR CODE GOES HERE. Everything else in this template (signature check, parsing, idempotency,
 * error answers) is done for you.
 */

/**
 * Keygate calls this when the secret is due (or on "Rotate now"). Create a new credential at the
 * service that owns it and return it; keep the old one working, Keygate will ask you to revoke it
 * after the policy's `revokePreviousAfterDays` if you return a `newHandle`.
 *
 * Throw `RotationError(message, status)` to answer with your own status and message (for example
 * 429 when the vendor rate-limits you); Keygate keeps the old value and retries later.
 */
export async function rotateSecret(ctx: RotationContext): Promise<RotationResult> {
  // For example, with a vendor whose API creates keys:
  //   const key = await vendor.apiKeys.create({
  //     name: `${ctx.projectSlug}/${ctx.environmentSlug}/${ctx.secretKey}`,
  //     idempotencyKey: ctx.requestId,
  //   });
  //   return { newValue: key.secret, newHandle: key.id };
  throw new RotationError(`rotateSecret is not implemented yet for ${ctx.secretKey}: edit src/rotate-secret.ts`, 501);
}

/**
 * Keygate calls this once the grace period is over, with the `newHandle` an earlier rotate
 * returned as `oldHandle`. Retire that credential. Leave this as it is if you never return a
 * `newHandle`: Keygate then never calls it.
 */
export async function revokeSecret(ctx: RevocationContext): Promise<void> {
  // For example: await vendor.apiKeys.delete(ctx.oldHandle);
  throw new RotationError(`revokeSecret is not implemented yet for ${ctx.secretKey}: edit src/rotate-secret.ts`, 501);
}
