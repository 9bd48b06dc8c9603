import { describe, expect, it } from 'vitest';
import { DAY_MS, type PolicyRow } from './policy-row.js';
import { rotationStatus } from './status.js';

const now = new Date('2026-06-01T12:00:00Z');
const row = (over: Partial<PolicyRow>): PolicyRow =>
  ({
    enabled: true,
    next_rotation_at: new Date(now.getTime() + 30 * DAY_MS),
    last_rotated_at: null,
    last_run_id: null,
    last_run_state: null,
    last_error: null,
    revocation_due_at: null,
    ...over,
  }) as PolicyRow;

describe('rotationStatus', () => {
  it('follows the schedule: Up to date, Due soon (≤ 7 days), Overdue', () => {
    expect(rotationStatus(row({}), now)).toMatchObject({ state: 'UpToDate', label: 'Up to date', lastRotatedAt: null });
    expect(rotationStatus(row({ next_rotation_at: new Date(now.getTime() + 7 * DAY_MS + 1) }), now).state).toBe('UpToDate');
    expect(rotationStatus(row({ next_rotation_at: new Date(now.getTime() + 7 * DAY_MS) }), now)).toMatchObject({ state: 'DueSoon', label: 'Due soon' });
    expect(rotationStatus(row({ next_rotation_at: now }), now)).toMatchObject({ state: 'Overdue', label: 'Overdue' });
  });

  it('puts a run in flight first, then an error (with its text), then a pending revocation', () => {
    for (const state of ['due', 'rotating', 'stored'] as const) {
      expect(rotationStatus(row({ last_run_state: state, last_error: 'old' }), now)).toMatchObject({ state: 'Rotating', label: 'Rotating…' });
    }
    const failed = rotationStatus(row({ last_run_state: 'error', last_error: 'TIMEOUT: x', next_rotation_at: now }), now);
    expect(failed).toMatchObject({ state: 'Error', lastError: 'TIMEOUT: x' });
    const due = new Date(now.getTime() + DAY_MS);
    expect(rotationStatus(row({ last_run_state: 'pending_revocation', revocation_due_at: due }), now)).toMatchObject({
      state: 'PendingRevocation',
      revocationDueAt: due.toISOString(),
    });
  });

  it('shows Disabled for a disabled policy at rest, and no error text outside Error', () => {
    expect(rotationStatus(row({ enabled: false, last_run_state: 'done', last_error: 'stale' }), now)).toEqual({
      state: 'Disabled',
      label: 'Disabled',
      nextRotationAt: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
      lastRotatedAt: null,
    });
  });
});
