import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import {
  KeygateError,
  isKeygateError,
  retryWithBackoff,
  type Clock,
  type Keyring,
  type Logger,
  type RetryPolicy,
  type RotationStrategy,
  type Secret,
  type SecretProvider,
  type SecretRef,
  type SqlClient,
} from '@keygate/core';
import type { AuditLog, AuditOutcome } from '../audit/audit-log.js';
import type { EventBus, DomainEventType } from '../events/event-bus.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { StoredProvider } from '../providers/providers-service.js';
import { ACTIVE_RUN_STATES, DAY_MS, strategySettings, type PolicyRow, type RunRow } from './policy-row.js';

/** Where the engine asks to be woken: Agenda in the host, nothing in unit tests that drive it by hand. */
export interface RotationWakeups {
  /** The policy's own job, at its next rotation time. */
  policyAt(policyId: string, at: Date): Promise<void>;
  cancelPolicy(policyId: string): Promise<void>;
  /** Continue a run (Rotate Now, or revocation at `revoke_at`). */
  runAt(runId: string, at: Date): Promise<void>;
}

export const NO_WAKEUPS: RotationWakeups = {
  policyAt: () => Promise.resolve(),
  cancelPolicy: () => Promise.resolve(),
  runAt: () => Promise.resolve(),
};

export interface RunActor {
  type: RunRow['actor_type'];
  id: string;
}

export const SCHEDULER: RunActor = { type: 'system', id: 'scheduler' };

export interface RotationEngineDeps {
  knex: Knex;
  /**
   * The statements every run makes, with fixed texts: each connection parses and plans them once.
   * Under a burst of rotations, parsing and planning were much of PostgreSQL's work per run.
   */
  sql: SqlClient;
  /**
   * Connections that hold the runs' advisory locks, one per run in flight: kept apart from the
   * pools the runs' own queries use, so a full house of runs cannot starve itself of connections.
   */
  lockPool: pg.Pool;
  registry: ProviderRegistry;
  strategies: ReadonlyMap<string, RotationStrategy>;
  keyring: Keyring;
  audit: AuditLog;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  /** Runs in flight at once in this process. */
  concurrency: number;
}

/** How long after a failed run the scheduler tries again (the old value keeps working meanwhile). */
export const RETRY_AFTER_ERROR_MS = 60 * 60 * 1000;
const LOCK_CLASS = 0x6b67; // "kg": advisory-lock namespace of rotation runs
const MAX_ERROR_TEXT = 500;

interface Target {
  policy: PolicyRow;
  tenantSlug: string;
  projectSlug: string;
  environmentSlug: string;
  provider: StoredProvider;
}

/**
 * A new run (`rows`: its values, `VALUES (…)` or a `SELECT`) as CTE `ins`, unless one exists for the
 * policy's due time or is active, and the policy's pointer to it (`now`: the time parameter) in
 * the same statement, so a crash can never leave a run the policy's status does not mention.
 */
const insertRun = (rows: string, returning: string, now: string): string => `ins AS (
    INSERT INTO rotation_runs (tenant_id, policy_id, due_at, trigger, actor_type, actor_id, strategy, state, request_id, revoke_request_id)
    ${rows}
    ON CONFLICT DO NOTHING
    RETURNING ${returning}
  ), pol AS (
    UPDATE rotation_policies p SET last_run_id = ins.id, last_run_state = 'due', updated_at = ${now} FROM ins WHERE p.id = ins.policy_id
  )`;

const REQUEST_RUN_SQL = `WITH ${insertRun(`VALUES ($1, $2, $3, $4, $5, $6, $7, 'due', $8, $9)`, '*', '$10')} SELECT * FROM ins`;

/** A policy with what a run needs besides it: the slugs of its place and its provider. */
const TARGET_SQL = `SELECT rp.*, t.slug AS _tenant_slug, p.slug AS _project_slug, e.slug AS _environment_slug, row_to_json(pr) AS _provider
  FROM rotation_policies rp
  JOIN tenants t ON t.id = rp.tenant_id
  JOIN projects p ON p.id = rp.project_id
  JOIN environments e ON e.id = rp.environment_id
  JOIN providers pr ON pr.id = rp.provider_id
  WHERE rp.id = $1`;

/**
 * The target of a policy whose job fired and, when it is enabled and due ($6 = now), its
 * scheduled run: one statement where a scheduled run took two. `_run_id` is null when the policy
 * is not due, or when a run for it exists already.
 */
const TARGET_AND_RUN_SQL = `WITH target AS (${TARGET_SQL}), ${insertRun(
  `SELECT tenant_id, id, next_rotation_at, 'schedule', $2, $3, strategy, 'due', $4, $5 FROM target WHERE enabled AND next_rotation_at <= $6`,
  'id, policy_id',
  '$6',
)}
  SELECT target.*, (SELECT id FROM ins) AS _run_id FROM target`;

type TargetRow = PolicyRow & {
  _tenant_slug: string;
  _project_slug: string;
  _environment_slug: string;
  _provider: StoredProvider & { updated_at: string; created_at: string };
};

function targetOf(row: TargetRow): Target {
  const { _tenant_slug, _project_slug, _environment_slug, _provider, ...policy } = row;
  return {
    policy,
    tenantSlug: _tenant_slug,
    projectSlug: _project_slug,
    environmentSlug: _environment_slug,
    provider: { ..._provider, updated_at: new Date(_provider.updated_at), created_at: new Date(_provider.created_at) },
  };
}

/** See #markStored. */
const MARK_STORED_SQL = `WITH cur AS (
         SELECT id, current_handle, interval_days FROM rotation_policies WHERE id = $1 FOR UPDATE
       ), next AS (
         SELECT CASE WHEN CAST($2 AS boolean) AND (cur.current_handle IS NULL OR NOT CAST($3 AS boolean)) THEN 'done' ELSE 'stored' END AS state FROM cur
       ), moved AS (
         UPDATE rotation_runs r
         SET state = next.state, stored_version = $4, new_handle = $5, old_handle = cur.current_handle, stored_at = $6, updated_at = $7,
             finished_at = CASE WHEN next.state = 'done' THEN CAST($8 AS timestamptz) END
         FROM cur, next WHERE r.id = $9 AND r.state = 'rotating'
         RETURNING r.*
       ), pol AS (
         UPDATE rotation_policies p
         SET current_handle = $10, last_rotated_at = $11, next_rotation_at = CAST($12 AS timestamptz) + cur.interval_days * interval '86400 seconds',
             last_run_id = moved.id, last_run_state = moved.state, last_error = NULL, updated_at = $13
         FROM cur, moved WHERE p.id = cur.id
         RETURNING p.enabled, p.next_rotation_at
       ), meta AS (
         INSERT INTO secret_metadata (environment_id, provider_id, key)
         SELECT $14, $15, $16 FROM moved
         ON CONFLICT (environment_id, provider_id, key) DO UPDATE SET updated_at = $17
       ), env AS (
         -- Readers (SDK watchers, \`keygate run --watch\`) notice a new value through the environment version.
         UPDATE environments SET secrets_version = secrets_version + 1, secrets_modified_at = $18
         WHERE id = $19 AND EXISTS (SELECT 1 FROM moved)
       )
       SELECT moved.*, pol.enabled AS _enabled, pol.next_rotation_at AS _next_rotation_at FROM moved, pol`;

/**
 * Executes rotation runs as a persisted state machine:
 *
 *   due → rotating → stored → pending_revocation → done, or error
 *
 * Each step is committed before the next begins (or together with it, in one statement, where
 * nothing happens between them: see #markStored), and each is safe to repeat, so a run resumes
 * wherever a crash left it. A transition and the policy's mirror of the run state are written by
 * one statement. A run is executed by one process at a time (a session advisory lock
 * on a dedicated connection, released by PostgreSQL if the process dies); a policy has at most
 * one active run (a partial unique index) and one run per due time (a unique key).
 *
 * Values never reach Keygate's database. Before storing a value the run records its HMAC; on
 * resume, the provider's current value is compared with it, so a value already stored is
 * recognised and not replaced by a second one. Before that point nothing was stored, so the
 * strategy is asked again: GenerateRandom makes a fresh value (none was published), HttpWebhook is
 * called with the same requestId and must answer as before (the receiver's idempotency contract).
 */
export class RotationEngine {
  readonly #d: RotationEngineDeps;
  /** Runs that entered `rotating` in this pass, their first strategy call counted with it. */
  readonly #firstAttemptCounted = new WeakSet<RunRow>();
  #wakeups: RotationWakeups = NO_WAKEUPS;
  readonly #slots: Array<() => void> = [];
  #running = 0;

  constructor(deps: RotationEngineDeps) {
    this.#d = deps;
  }

  setWakeups(wakeups: RotationWakeups): void {
    this.#wakeups = wakeups;
  }

  get wakeups(): RotationWakeups {
    return this.#wakeups;
  }

  /**
   * Starts a run for the policy, or returns the one already in progress. Scheduled runs are
   * keyed by the due time they serve, so several replicas noticing the same due policy create one.
   */
  async requestRun(policy: PolicyRow, trigger: RunRow['trigger'], actor: RunActor, dueAt: Date = this.#d.clock.now()): Promise<{ run: RunRow; created: boolean }> {
    const { rows: inserted } = await this.#d.sql.query<RunRow>(REQUEST_RUN_SQL, [
      policy.tenant_id,
      policy.id,
      dueAt,
      trigger,
      actor.type,
      actor.id,
      policy.strategy,
      randomUUID(),
      randomUUID(),
      this.#d.clock.now(),
    ]);
    if (inserted[0]) return { run: inserted[0], created: true };
    const existing = await this.#d.knex<RunRow>('rotation_runs')
      .where({ policy_id: policy.id })
      .andWhere((q) => q.whereIn('state', ACTIVE_RUN_STATES).orWhere({ due_at: dueAt }))
      .orderBy('created_at', 'desc')
      .first();
    if (!existing) throw new KeygateError('CONFLICT', 'a rotation run for this policy could not be started; try again');
    return { run: existing, created: false };
  }

  /** The policy's own job fired (or the sweep found it due): start and run its rotation. */
  async processPolicy(policyId: string): Promise<void> {
    // The joined read the run needs anyway (so the run does not read the policy a second time),
    // and the run itself when the policy is due.
    const now = this.#d.clock.now();
    const found = await this.#targetAndRun(policyId, now);
    const policy = found?.target.policy;
    if (!found || !policy || !policy.enabled) return;
    if (policy.next_rotation_at.getTime() > now.getTime()) {
      await this.#wakeups.policyAt(policy.id, policy.next_rotation_at);
      return;
    }
    // Not created just now: a run for this due time (or an active one) exists; take that one.
    const runId = found.runId ?? (await this.requestRun(policy, 'schedule', SCHEDULER, policy.next_rotation_at)).run.id;
    await this.#processRun(runId, Number.POSITIVE_INFINITY, found.target);
  }

  /**
   * Safety net and crash recovery: starts every due policy without an active run, resumes every
   * unfinished run no process holds, and revokes what is due. Returns how many runs it touched.
   */
  async sweep(): Promise<number> {
    const now = this.#d.clock.now();
    const due = await this.#d.knex<PolicyRow>('rotation_policies as p')
      .where('p.enabled', true)
      .andWhere('p.next_rotation_at', '<=', now)
      .whereNotExists((q) => q.select(this.#d.knex.raw('1')).from('rotation_runs as r').whereRaw('r.policy_id = p.id').whereIn('r.state', ACTIVE_RUN_STATES))
      .select('p.*');
    for (const policy of due) await this.requestRun(policy, 'schedule', SCHEDULER, policy.next_rotation_at);
    const runs = await this.#d.knex<RunRow>('rotation_runs')
      .whereIn('state', ACTIVE_RUN_STATES)
      .orWhere((q) => q.where('state', 'pending_revocation').andWhere('revoke_at', '<=', now))
      .orderBy('due_at')
      .select('id');
    await Promise.all(runs.map((r) => this.processRun(r.id)));
    return runs.length;
  }

  /**
   * Advances a run as far as it can go now (or by at most `maxSteps` transitions). A run another
   * process holds is left alone.
   */
  async processRun(runId: string, maxSteps = Number.POSITIVE_INFINITY): Promise<void> {
    await this.#processRun(runId, maxSteps, undefined);
  }

  async #processRun(runId: string, maxSteps: number, known: Target | undefined): Promise<void> {
    await this.#acquireSlot();
    try {
      let client: pg.PoolClient;
      try {
        client = await this.#d.lockPool.connect();
      } catch (error) {
        // The database is unreachable: the run stays where it is and the next sweep or job resumes it.
        this.#d.logger.warn('rotation run postponed: no database connection', { runId, error: describe(error) });
        return;
      }
      let broken = false;
      try {
        let locked: { run: RunRow | undefined } | undefined;
        try {
          locked = await this.#lockAndRead(client, runId);
        } catch (error) {
          // Whether the lock was granted before the failure is unknown: the connection must go.
          broken = true;
          throw error;
        }
        if (!locked) return;
        try {
          await this.#advance(runId, maxSteps, known, locked.run);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [LOCK_CLASS, runId]).catch(() => {
            broken = true;
          });
        }
      } catch (error) {
        this.#d.logger.error('rotation run failed unexpectedly', { runId, error: describe(error) });
      } finally {
        // A connection whose unlock failed may still hold the lock: destroy it rather than reuse it.
        client.release(broken ? new Error('advisory unlock failed') : undefined);
      }
    } finally {
      this.#releaseSlot();
    }
  }

  /**
   * Takes the run's lock and reads the run in one round trip: two statements in one simple query.
   * The read is a statement of its own, so under READ COMMITTED its snapshot is taken after the
   * lock was granted: it sees every transition the previous holder committed before releasing the
   * lock. Undefined when another process holds the run.
   */
  async #lockAndRead(client: pg.PoolClient, runId: string): Promise<{ run: RunRow | undefined } | undefined> {
    const id = client.escapeLiteral(runId);
    const results = (await client.query(`SELECT pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${id})) AS ok; SELECT * FROM rotation_runs WHERE id = ${id}`)) as unknown as [
      pg.QueryResult<{ ok: boolean }>,
      pg.QueryResult<RunRow>,
    ];
    if (!results[0].rows[0]?.ok) return undefined;
    return { run: results[1].rows[0] };
  }

  async #advance(runId: string, maxSteps: number, known: Target | undefined, first: RunRow | undefined): Promise<void> {
    let target = known;
    let run = first;
    if (!run) return;
    for (let steps = 0; steps < maxSteps; steps++) {
      // Read under the lock (with it, the first time): another process may have advanced it
      // since it was listed. After that the row each transition returned is current: every
      // transition happens under this lock and is conditional on the state it starts from, so a
      // row changed behind our back (policy deleted, run taken over after a lost lock) makes the
      // transition match nothing, and the run is read again.
      run ??= (await this.#d.sql.query<RunRow>('SELECT * FROM rotation_runs WHERE id = $1', [runId])).rows[0];
      if (!run) return;
      // The policy is read once per pass; the step that depends on its latest state (the handle
      // to revoke) reads it again inside its statement.
      target ??= await this.#target(run.policy_id);
      if (!target) return;
      // Two transitions may be made as one where a step is allowed to run on (see #markStored).
      const next = await this.#step(run, target, steps + 1 < maxSteps);
      if (next === false) return;
      run = next === true ? undefined : next;
    }
  }

  /**
   * Performs one transition: the run row after it when the run can go on at once, `true` when it
   * can go on but must be read again first, `false` when it stops here.
   */
  async #step(run: RunRow, target: Target, mayGoOn: boolean): Promise<RunRow | boolean> {
    switch (run.state) {
      case 'due':
        return this.#begin(run, target, mayGoOn);
      case 'rotating':
        return this.#rotateAndStore(run, target, mayGoOn);
      case 'stored':
        return this.#afterStore(run, target);
      case 'pending_revocation':
        return this.#revokeIfDue(run, target);
      case 'done':
      case 'error':
        return false;
    }
  }

  /**
   * Moves the run from one of `from` and, in the same statement, the policy's mirror of the run
   * state (only while this run is the policy's latest). One statement is one transaction: the two
   * can no longer disagree after a crash, which two statements allowed. Returns the updated run,
   * or undefined when the run was not in `from` (nothing was written).
   */
  async #transition(run: RunRow, from: readonly RunRow['state'][], patch: Partial<RunRow>, policy?: { state: RunRow['state']; extra?: Partial<PolicyRow> }): Promise<RunRow | undefined> {
    const now = this.#d.clock.now();
    // The text depends only on which columns a call site sets, so each shape is prepared once.
    const values: unknown[] = [run.id, from];
    const assign = (row: Record<string, unknown>): string =>
      Object.entries(row)
        // As an update through knex would: an absent value leaves the column alone.
        .filter(([, value]) => value !== undefined)
        .map(([column, value]) => `${column} = $${values.push(value)}`)
        .join(', ');
    const moved = `UPDATE rotation_runs SET ${assign({ ...patch, updated_at: now })} WHERE id = $1 AND state = ANY($2::text[]) RETURNING *`;
    if (!policy) return (await this.#d.sql.query<RunRow>(moved, values)).rows[0];
    const mirror = assign({ last_run_id: run.id, last_run_state: policy.state, updated_at: now, ...policy.extra });
    values.push(run.policy_id);
    const { rows } = await this.#d.sql.query<RunRow>(
      `WITH moved AS (${moved}), mirror AS (
         UPDATE rotation_policies SET ${mirror}
         -- Only the latest run speaks for the policy: an older run finishing late must not hide a newer one.
         WHERE id = $${values.length} AND (last_run_id = $1 OR last_run_id IS NULL) AND EXISTS (SELECT 1 FROM moved)
       )
       SELECT * FROM moved`,
      values,
    );
    return rows[0];
  }

  /** due → rotating: remember the provider's current version, the compare-and-set precondition. */
  async #begin(run: RunRow, target: Target, mayGoOn: boolean): Promise<RunRow | boolean> {
    let current: { exists: boolean; version: string | null };
    try {
      const session = await this.#d.registry.session(target.provider);
      current = await this.#retry(run, null, false, () => readVersion(session, this.#ref(target)));
    } catch (error) {
      await this.#fail(run, target, 'rotation', error);
      return false;
    }
    // When the strategy is called next in this pass, that call is counted here (a statement saved).
    const moved = await this.#transition(
      run,
      ['due'],
      { state: 'rotating', base_exists: current.exists, base_version: current.version, started_at: this.#d.clock.now(), ...(mayGoOn ? { attempt: run.attempt + 1 } : {}) },
      { state: 'rotating' },
    );
    if (!moved) return true;
    if (mayGoOn) this.#firstAttemptCounted.add(moved);
    await this.#record(moved, target, 'rotation.started', 'success', { trigger: moved.trigger });
    this.#emit('rotation.started', moved, target, { trigger: moved.trigger });
    return moved;
  }

  /** rotating → stored: get a value from the strategy and write it to the provider, once. */
  async #rotateAndStore(run: RunRow, target: Target, mayGoOn: boolean): Promise<RunRow | boolean> {
    const strategy = this.#d.strategies.get(run.strategy);
    const ref = this.#ref(target);
    try {
      if (!strategy) throw new KeygateError('INVALID_CONFIGURATION', `rotation strategy "${run.strategy}" is not loaded`);
      const session = await this.#d.registry.session(target.provider);
      // Resume: the value this run was storing may already be there.
      if (run.new_value_hmac !== null) {
        const already = await this.#retry(run, null, false, () => this.#storedVersion(session, ref, run.new_value_hmac!));
        if (already.stored) return this.#markStored(run, target, already.version, run.new_handle, run.new_value_hmac, mayGoOn);
      }
      const settings = strategySettings(target.policy, this.#d.keyring, this.#d.clock.now());
      const result = await this.#retry(run, 'attempt', this.#firstAttemptCounted.has(run), () =>
        strategy.rotate({ secretKey: target.policy.secret_key, projectSlug: target.projectSlug, environmentSlug: target.environmentSlug, requestId: run.request_id, settings }),
      );
      const hmac = this.#d.audit.valueHmac(result.newValue.reveal());
      // Committed before the write: after a crash this is how the run recognises its own value.
      const recorded = await this.#transition(run, ['rotating'], { new_value_hmac: hmac, new_handle: result.newHandle ?? null });
      // Not rotating any more (failed or taken over elsewhere): nothing may be written.
      if (!recorded) return true;
      const version = await this.#retry(run, null, false, () => this.#write(session, ref, result.newValue, run, hmac));
      return this.#markStored(run, target, version, result.newHandle ?? null, hmac, mayGoOn);
    } catch (error) {
      await this.#fail(run, target, 'rotation', error);
      return false;
    }
  }

  /** Compare-and-set against the version seen at the start, where the provider supports it. */
  async #write(session: SecretProvider, ref: SecretRef, value: Secret, run: RunRow, hmac: string): Promise<string | null> {
    const options = session.capabilities.compareAndSet ? { ifVersion: run.base_exists ? run.base_version : null } : {};
    try {
      const { version } = await session.put(ref, value, options);
      return version ?? null;
    } catch (error) {
      if (!isKeygateError(error) || error.code !== 'VERSION_CONFLICT') throw error;
      // Our own earlier attempt may have landed (a timeout after the write): that is success.
      const already = await this.#storedVersion(session, ref, hmac);
      if (already.stored) return already.version;
      throw new KeygateError('VERSION_CONFLICT', 'the secret was changed by someone else during the rotation; the new value was not written', { retryable: false });
    }
  }

  async #storedVersion(session: SecretProvider, ref: SecretRef, hmac: string): Promise<{ stored: boolean; version: string | null }> {
    try {
      const current = await session.get(ref);
      return { stored: this.#d.audit.valueHmac(current.value.reveal()) === hmac, version: current.version ?? null };
    } catch (error) {
      if (isKeygateError(error) && error.code === 'NOT_FOUND') return { stored: false, version: null };
      throw error;
    }
  }

  /**
   * rotating → stored, with everything that goes with it, as one statement (one transaction): the
   * run's new state, the policy's schedule and handle, the secret's metadata and the environment
   * version readers watch. Atomic as the explicit transaction it replaces, in one round trip
   * instead of seven; the policy row is locked first (FOR UPDATE), as before, so the handle this
   * run will revoke is the one current when the new one replaced it.
   *
   * When there will be nothing to revoke (no previous handle, or a strategy that cannot revoke)
   * and the run may go on, the statement also makes stored → done, the transition #afterStore
   * would make next with nothing in between: the same rows end in the same state, and a crash
   * leaves either the run before the store (rotating, resumed by its value's HMAC) or the finished
   * run, never a third state.
   */
  async #markStored(run: RunRow, target: Target, version: string | null, newHandle: string | null, valueHmac: string, mayGoOn: boolean): Promise<RunRow | boolean> {
    const now = this.#d.clock.now();
    const policy = target.policy;
    const canRevoke = this.#d.strategies.get(run.strategy)?.revoke !== undefined;
    const { rows } = await this.#d.sql.query<RunRow & { _enabled: boolean; _next_rotation_at: Date }>(
      MARK_STORED_SQL,
      [policy.id, mayGoOn, canRevoke, version, newHandle, now, now, now, run.id, newHandle, now, now, now, policy.environment_id, policy.provider_id, policy.secret_key, now, now, policy.environment_id],
    );
    const row = rows[0];
    if (!row) return true;
    const { _enabled: enabled, _next_rotation_at: nextRotationAt, ...stored } = row;
    const details = { trigger: stored.trigger, attempts: stored.attempt, ...(version === null ? {} : { version }), ...(newHandle === null ? {} : { newHandle }) };
    // The value's HMAC (audit key), as secret writes record it: which value, never the value.
    await this.#record(stored, target, 'rotation.succeeded', 'success', { ...details, valueHmac });
    this.#emit('rotation.succeeded', stored, target, details);
    if (enabled) await this.#wakeups.policyAt(policy.id, nextRotationAt);
    return stored.state === 'done' ? false : stored;
  }

  /** stored → pending_revocation (a webhook handle to retire) or done. */
  async #afterStore(run: RunRow, target: Target): Promise<RunRow | boolean> {
    const strategy = this.#d.strategies.get(run.strategy);
    const now = this.#d.clock.now();
    if (run.old_handle !== null && strategy?.revoke !== undefined) {
      const days = target.policy.revoke_previous_after_days ?? 0;
      const revokeAt = new Date((run.stored_at ?? now).getTime() + days * DAY_MS);
      const moved = await this.#transition(run, ['stored'], { state: 'pending_revocation', revoke_at: revokeAt }, { state: 'pending_revocation', extra: { revocation_due_at: revokeAt } });
      if (!moved) return true;
      if (revokeAt.getTime() > now.getTime()) {
        await this.#wakeups.runAt(run.id, revokeAt);
        return false;
      }
      return moved;
    }
    await this.#transition(run, ['stored'], { state: 'done', finished_at: now }, { state: 'done' });
    return false;
  }

  /** pending_revocation → done once the grace period is over; the revoke call is keyed by its own requestId. */
  async #revokeIfDue(run: RunRow, target: Target): Promise<boolean> {
    const now = this.#d.clock.now();
    if (run.revoke_at && run.revoke_at.getTime() > now.getTime()) {
      await this.#wakeups.runAt(run.id, run.revoke_at);
      return false;
    }
    const strategy = this.#d.strategies.get(run.strategy);
    const details = { oldHandle: run.old_handle ?? '' };
    try {
      if (!strategy?.revoke) throw new KeygateError('INVALID_CONFIGURATION', `rotation strategy "${run.strategy}" cannot revoke`);
      const settings = strategySettings(target.policy, this.#d.keyring, now);
      await this.#retry(run, 'revoke_attempt', false, () =>
        strategy.revoke!({
          secretKey: target.policy.secret_key,
          projectSlug: target.projectSlug,
          environmentSlug: target.environmentSlug,
          requestId: run.revoke_request_id,
          oldHandle: run.old_handle!,
          settings,
        }),
      );
    } catch (error) {
      const text = errorText(error);
      const done = this.#d.clock.now();
      // A transient failure (unreachable, 5xx, timeout) is tried again later with the same
      // requestId: the old credential must not stay valid for good because the issuer hiccuped.
      // A refusal (4xx) ends the run; the operator has to look at it.
      const again = !isKeygateError(error) || error.retryable;
      const retryAt = new Date(done.getTime() + RETRY_AFTER_ERROR_MS);
      const moved = await this.#transition(
        run,
        ['pending_revocation'],
        again ? { revoke_at: retryAt, last_error: `revocation: ${text}` } : { state: 'error', last_error: `revocation: ${text}`, finished_at: done },
        {
          state: 'error',
          extra: { last_error: `revocation of the previous credential failed: ${text}${again ? ' (will be tried again)' : ''}`, revocation_due_at: again ? retryAt : null },
        },
      );
      if (moved) {
        await this.#record(run, target, 'revocation.failed', 'error', { ...details, error: text, willRetry: again });
        this.#emit('revocation.failed', run, target, { ...details, error: text, willRetry: again });
        if (again) await this.#wakeups.runAt(run.id, retryAt);
      }
      return false;
    }
    const done = this.#d.clock.now();
    const moved = await this.#transition(run, ['pending_revocation'], { state: 'done', finished_at: done }, { state: 'done', extra: { revocation_due_at: null } });
    if (moved) {
      await this.#record(run, target, 'revocation.done', 'success', details);
      this.#emit('revocation.done', run, target, details);
    }
    return false;
  }

  /** Marks the run Error; the old value is untouched, and the scheduler tries again later. */
  async #fail(run: RunRow, target: Target, phase: 'rotation', error: unknown): Promise<void> {
    const text = errorText(error);
    const now = this.#d.clock.now();
    const retryAt = new Date(now.getTime() + RETRY_AFTER_ERROR_MS);
    const moved = await this.#transition(run, ['due', 'rotating'], { state: 'error', last_error: text, finished_at: now }, { state: 'error', extra: { last_error: text, next_rotation_at: retryAt } });
    if (!moved) return;
    this.#d.logger.warn('rotation failed', { runId: run.id, policyId: target.policy.id, phase, error: text });
    await this.#record(run, target, 'rotation.failed', 'error', { trigger: run.trigger, error: text });
    this.#emit('rotation.failed', run, target, { trigger: run.trigger, error: text });
    if (target.policy.enabled) await this.#wakeups.policyAt(target.policy.id, retryAt);
  }

  /**
   * One step's attempts with exponential backoff and full jitter. Calls to the strategy are counted
   * on the run (`attempt`, `revoke_attempt`) before they are made; provider reads and writes are
   * not. `firstCounted`: the transition into this step already counted the first call.
   */
  async #retry<T>(run: RunRow, counter: 'attempt' | 'revoke_attempt' | null, firstCounted: boolean, work: () => Promise<T>): Promise<T> {
    let counted = firstCounted;
    return retryWithBackoff(
      this.#d.retry,
      async () => {
        if (counter !== null && !counted) await this.#d.sql.query(`UPDATE rotation_runs SET ${counter} = ${counter} + 1 WHERE id = $1`, [run.id]);
        counted = false;
        return work();
      },
      (error) => {
        const retryable = !isKeygateError(error) || error.retryable;
        if (retryable) this.#d.logger.info('rotation step will be retried', { runId: run.id, error: errorText(error) });
        return retryable ? {} : false;
      },
    );
  }

  async #target(policyId: string): Promise<Target | undefined> {
    const row = (await this.#d.sql.query<TargetRow>(TARGET_SQL, [policyId])).rows[0];
    return row && targetOf(row);
  }

  /** The target, and the id of the scheduled run it created if the policy is enabled and due by `dueBy` (TARGET_AND_RUN_SQL). */
  async #targetAndRun(policyId: string, dueBy: Date): Promise<{ target: Target; runId: string | null } | undefined> {
    const { rows } = await this.#d.sql.query<TargetRow & { _run_id: string | null }>(TARGET_AND_RUN_SQL, [
      policyId,
      SCHEDULER.type,
      SCHEDULER.id,
      randomUUID(),
      randomUUID(),
      dueBy,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    const { _run_id, ...rest } = row;
    return { target: targetOf(rest), runId: _run_id };
  }

  #ref(target: Target): SecretRef {
    return { tenant: target.tenantSlug, project: target.projectSlug, environment: target.environmentSlug, key: target.policy.secret_key };
  }

  async #record(run: RunRow, target: Target, action: string, outcome: AuditOutcome, details: Record<string, unknown>): Promise<void> {
    await this.#d.audit.record({
      tenantId: run.tenant_id,
      actorType: run.actor_type,
      actorId: run.actor_id,
      action,
      targetType: 'secret',
      target: `${target.projectSlug}/${target.environmentSlug}/${target.provider.slug}/${target.policy.secret_key}`,
      outcome,
      requestId: run.request_id,
      details: { runId: run.id, policyId: run.policy_id, strategy: run.strategy, ...details },
      projectId: target.policy.project_id,
      environmentId: target.policy.environment_id,
    });
  }

  #emit(type: DomainEventType, run: RunRow, target: Target, data: Record<string, string | number | boolean | null>): void {
    this.#d.events.emit({
      type,
      occurredAt: this.#d.clock.now(),
      tenantId: run.tenant_id,
      subject: { project: target.projectSlug, environment: target.environmentSlug, provider: target.provider.slug, secretKey: target.policy.secret_key },
      data: { runId: run.id, policyId: run.policy_id, requestId: run.request_id, strategy: run.strategy, actorType: run.actor_type, actorId: run.actor_id, ...data },
    });
  }

  async #acquireSlot(): Promise<void> {
    if (this.#running < this.#d.concurrency) {
      this.#running++;
      return;
    }
    await new Promise<void>((resolve) => this.#slots.push(resolve));
  }

  #releaseSlot(): void {
    const next = this.#slots.shift();
    if (next) next();
    else this.#running--;
  }
}

async function readVersion(session: SecretProvider, ref: SecretRef): Promise<{ exists: boolean; version: string | null }> {
  try {
    const current = await session.get(ref);
    return { exists: true, version: current.version ?? null };
  } catch (error) {
    if (isKeygateError(error) && error.code === 'NOT_FOUND') return { exists: false, version: null };
    throw error;
  }
}

/** An error as run status text: our typed errors carry no values; anything else is reduced to its message. */
function errorText(error: unknown): string {
  const text = isKeygateError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_TEXT);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
