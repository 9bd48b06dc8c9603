import type { components } from '../generated/openapi.js';
import { DAY_MS, type PolicyRow } from './policy-row.js';

type RotationStatus = components['schemas']['RotationStatus'];

/** "Due soon" when the next rotation is at most this far away (the product documents 7 days). */
export const DUE_SOON_MS = 7 * DAY_MS;

const LABELS: Record<RotationStatus['state'], string> = {
  UpToDate: 'Up to date',
  DueSoon: 'Due soon',
  Overdue: 'Overdue',
  Rotating: 'Rotating…',
  PendingRevocation: 'Pending revocation',
  Error: 'Error',
  Disabled: 'Disabled',
};

/**
 * The badge of a secret. An in-flight run wins over everything (the user just pressed Rotate Now),
 * then a failure (it needs attention), then a pending revocation, then the schedule.
 */
export function rotationStatus(row: PolicyRow, now: Date): RotationStatus {
  const state = stateOf(row, now);
  return {
    state,
    label: LABELS[state],
    nextRotationAt: row.next_rotation_at.toISOString(),
    lastRotatedAt: row.last_rotated_at?.toISOString() ?? null,
    ...(state === 'Error' && row.last_error ? { lastError: row.last_error } : {}),
    ...(row.revocation_due_at && row.last_run_state === 'pending_revocation' ? { revocationDueAt: row.revocation_due_at.toISOString() } : {}),
    ...(row.last_run_id ? { lastRunId: row.last_run_id } : {}),
  };
}

function stateOf(row: PolicyRow, now: Date): RotationStatus['state'] {
  if (row.last_run_state === 'due' || row.last_run_state === 'rotating' || row.last_run_state === 'stored') return 'Rotating';
  if (row.last_run_state === 'error') return 'Error';
  if (row.last_run_state === 'pending_revocation') return 'PendingRevocation';
  if (!row.enabled) return 'Disabled';
  const left = row.next_rotation_at.getTime() - now.getTime();
  if (left <= 0) return 'Overdue';
  return left <= DUE_SOON_MS ? 'DueSoon' : 'UpToDate';
}
