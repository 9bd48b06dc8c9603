import { KeygateError } from '../errors.js';
import type { IdentityCheck } from '../contracts/identity.js';

/** Why a workload token was refused; recorded in audit rows (never the token itself). */
export type IdentityRejectionReason =
  | 'malformed'
  | 'algorithm-not-allowed'
  | 'wrong-issuer'
  | 'issuer-unavailable'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-audience'
  | 'missing-claim'
  | 'expired'
  | 'not-yet-valid'
  | 'claim-mismatch'
  | 'token-review-failed'
  | 'replayed';

/**
 * A token that does not satisfy a trust domain. It is an `UNAUTHENTICATED` error with the reason
 * as an extension and every check made so far, so an administrator can see which one failed.
 */
export class IdentityRejectedError extends KeygateError {
  readonly reason: IdentityRejectionReason;
  readonly checks: IdentityCheck[];

  constructor(reason: IdentityRejectionReason, message: string, checks: IdentityCheck[] = []) {
    super('UNAUTHENTICATED', message, { extensions: { reason } });
    this.name = 'IdentityRejectedError';
    this.reason = reason;
    this.checks = checks;
  }
}

export function isIdentityRejection(error: unknown): error is IdentityRejectedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { keygateError?: unknown }).keygateError === true &&
    typeof (error as { reason?: unknown }).reason === 'string' &&
    Array.isArray((error as { checks?: unknown }).checks)
  );
}
