import type pg from 'pg';
import { Agenda, toJobId, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { AGENDA_TABLE } from '../db/migrations/0010-rotation.js';
import { GroupCommit, type Clock, type Logger } from '@keygate/core';
import { preparingPool } from '../db/sql-client.js';
import { JobNotificationChannel } from './job-notifications.js';
import type { RotationEngine, RotationWakeups } from './rotation-engine.js';

export const POLICY_JOB = 'keygate.rotation.policy';
export const RUN_JOB = 'keygate.rotation.run';
export const SWEEP_JOB = 'keygate.rotation.sweep';
/** Jobs of one name a replica holds locked at once (waiting for an engine slot). */
const LOCK_LIMIT = 250;

/**
 * Wake-ups are inserted unless the same one (same target, same time) exists: one statement against
 * the unique partial indexes of migrations 0012 and 0014, where Agenda's unique save takes two (a
 * look-up, then the insert) and lets two replicas racing both insert. The wake-ups asked for in
 * one turn of the event loop, and while a statement is in flight, share one statement: a burst of
 * rotations ends with one wake-up per policy. The job name and JSON keys are literals so that the
 * statement names its index.
 */
const wakeupSql = (name: string, field: 'policyId' | 'runId'): string => `INSERT INTO "${AGENDA_TABLE}" (name, priority, next_run_at, type, data, last_modified_by)
  SELECT '${name}', 0, w.next_run_at, 'normal', jsonb_build_object('${field}', w.target, 'at', w.at), $4
  FROM unnest($1::timestamptz[], $2::text[], $3::text[]) AS w(next_run_at, target, at)
  ON CONFLICT ((data->>'${field}'), (data->>'at')) WHERE name = '${name}' AND type = 'normal' DO NOTHING
  RETURNING id, next_run_at`;
const POLICY_WAKEUP_SQL = wakeupSql(POLICY_JOB, 'policyId');
const RUN_WAKEUP_SQL = wakeupSql(RUN_JOB, 'runId');

interface Wakeup {
  target: string;
  at: Date;
  /** `at` on the wall clock, for Agenda. */
  wall: Date;
}

export interface SchedulerOptions {
  pool: pg.Pool;
  engine: RotationEngine;
  logger: Logger;
  /** The engine's clock; wake-ups are given in its time, Agenda waits in real time. */
  clock: Clock;
  /** Execute jobs in this process; without it jobs are only enqueued (for another replica). */
  runJobs: boolean;
  processEveryMs: number;
  concurrency: number;
  sweepIntervalMinutes: number;
}

/**
 * Agenda on the host's PostgreSQL. A wake-up is a one-off job keyed by what it is for and when
 * (`{policyId, at}` or `{runId, at}`), inserted only if absent, so replicas asking for the same
 * wake-up make one job; the exception is a policy's next wake-up asked for by its own running
 * job, which moves that job (see policyAt). Jobs only point at work; the engine decides from the
 * database what is really due, so a stale or duplicated job is harmless (Agenda is at-least-once).
 */
export class RotationScheduler implements RotationWakeups {
  readonly #agenda: Agenda;
  readonly #pool: pg.Pool;
  readonly #channel: JobNotificationChannel;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #policyWakeups = new GroupCommit<Wakeup>((wakeups) => this.#insert(POLICY_JOB, POLICY_WAKEUP_SQL, wakeups));
  readonly #runWakeups = new GroupCommit<Wakeup>((wakeups) => this.#insert(RUN_JOB, RUN_WAKEUP_SQL, wakeups));
  /** Policy jobs running in this process, by policy id (see policyAt). */
  readonly #runningPolicyJobs = new Map<string, Job<{ policyId: string }>>();

  private constructor(agenda: Agenda, pool: pg.Pool, channel: JobNotificationChannel, logger: Logger, clock: Clock) {
    this.#agenda = agenda;
    this.#pool = pool;
    this.#channel = channel;
    this.#logger = logger;
    this.#clock = clock;
  }

  /** A moment of the engine's clock as a wall-clock time for Agenda (they differ only when a test moves the clock). */
  #wall(at: Date): Date {
    return new Date(Date.now() + (at.getTime() - this.#clock.now().getTime()));
  }

  static async start(options: SchedulerOptions): Promise<RotationScheduler> {
    const logger = options.logger.child({ component: 'rotation-scheduler' });
    // Statements prepared once per connection: a few run for every job.
    const pool = preparingPool(options.pool);
    // Our own LISTEN/NOTIFY channel, so its connection errors (PostgreSQL restarting or stopping
    // under it) are logged rather than thrown as an unhandled 'error' event that ends the process.
    const channel = new JobNotificationChannel({ pool: options.pool, channelName: AGENDA_TABLE, processEveryMs: options.processEveryMs });
    channel.on('error', (error: unknown) => logger.warn('job notification channel error', { error: error instanceof Error ? error.message : String(error) }));
    const agenda = new Agenda({
      backend: new PostgresBackend({ pool, tableName: AGENDA_TABLE, ensureSchema: false, disableNotifications: true }),
      notificationChannel: channel,
      name: `keygate-${process.pid}`,
      processEvery: options.processEveryMs,
      maxConcurrency: options.concurrency * 2,
      defaultConcurrency: options.concurrency,
      // No global cap: each poll locks up to LOCK_LIMIT due jobs per name, so a thousand policies
      // falling due together are taken in a few polls rather than a handful per second. The
      // engine's own slots bound what really runs at once.
      lockLimit: 0,
      defaultLockLifetime: 10 * 60 * 1000,
      removeOnComplete: true,
    });
    agenda.on('error', (error) => logger.warn('job scheduler error', { error: error.message }));
    const scheduler = new RotationScheduler(agenda, pool, channel, logger, options.clock);
    const { engine } = options;
    agenda.define<{ policyId: string }>(POLICY_JOB, (job) => scheduler.#runPolicyJob(job, engine), { concurrency: options.concurrency, lockLimit: LOCK_LIMIT });
    agenda.define<{ runId: string }>(RUN_JOB, async (job) => engine.processRun(job.attrs.data.runId), { concurrency: options.concurrency, lockLimit: LOCK_LIMIT });
    agenda.define(SWEEP_JOB, async () => {
      const touched = await engine.sweep();
      if (touched > 0) logger.info('rotation sweep', { runs: touched });
    });
    engine.setWakeups(scheduler);
    if (options.runJobs) {
      await agenda.start();
      try {
        await agenda.every(`${options.sweepIntervalMinutes} minutes`, SWEEP_JOB);
      } catch (error) {
        // Replicas starting together race to create the one sweep job; the loser's insert fails and the job exists.
        logger.info('sweep job already scheduled by another replica', { error: error instanceof Error ? error.message : String(error) });
      }
      // Resume runs a previous process left unfinished and start what fell due while none ran.
      await agenda.now(SWEEP_JOB);
    }
    return scheduler;
  }

  /**
   * The next wake-up of a policy whose job is running here (a run that just stored its value and
   * set the next rotation time) moves that job instead of adding one: Agenda's own save at the
   * end of the job writes the new time, where otherwise the job would be deleted and a new one
   * inserted — two statements of every rotation. If that save is lost (a crash right after the
   * run), the job's expired lock hands it to another replica, which finds the policy not due and
   * asks for the wake-up again; the 15-minute sweep covers the rest.
   */
  policyAt(policyId: string, at: Date): Promise<void> {
    const job = this.#runningPolicyJobs.get(policyId);
    if (job !== undefined && !job.attrs.nextRunAt) {
      job.attrs.nextRunAt = this.#wall(at);
      return Promise.resolve();
    }
    return this.#policyWakeups.add({ target: policyId, at, wall: this.#wall(at) });
  }

  async #runPolicyJob(job: Job<{ policyId: string }>, engine: RotationEngine): Promise<void> {
    const { policyId } = job.attrs.data;
    this.#runningPolicyJobs.set(policyId, job);
    try {
      await engine.processPolicy(policyId);
    } finally {
      if (this.#runningPolicyJobs.get(policyId) === job) this.#runningPolicyJobs.delete(policyId);
    }
  }

  async cancelPolicy(policyId: string): Promise<void> {
    await this.#pool.query(`DELETE FROM "${AGENDA_TABLE}" WHERE name = '${POLICY_JOB}' AND type = 'normal' AND data->>'policyId' = $1`, [policyId]);
  }

  runAt(runId: string, at: Date): Promise<void> {
    return this.#runWakeups.add({ target: runId, at, wall: this.#wall(at) });
  }

  async #insert(job: string, sql: string, wakeups: Wakeup[]): Promise<void> {
    const { rows: inserted } = await this.#pool.query<{ id: string; next_run_at: Date }>(sql, [
      wakeups.map((w) => w.wall),
      wakeups.map((w) => w.target),
      wakeups.map((w) => w.at.toISOString()),
      this.#agenda.attrs.name || null,
    ]);
    // Announced as Agenda announces what it saves (the channel keeps only jobs due before the next scan).
    if (this.#channel.state !== 'connected') return;
    for (const row of inserted) {
      try {
        await this.#channel.publish({
          jobId: toJobId(row.id),
          jobName: job,
          nextRunAt: row.next_run_at,
          priority: 0,
          timestamp: new Date(),
          ...(this.#agenda.attrs.name ? { source: this.#agenda.attrs.name } : {}),
        });
      } catch (error) {
        this.#logger.warn('job notification failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Stops taking jobs and waits (bounded) for the running ones; an interrupted run resumes elsewhere. */
  async stop(timeoutMs: number): Promise<void> {
    try {
      await this.#agenda.drain({ timeout: timeoutMs, closeConnection: false });
    } catch (error) {
      this.#logger.warn('job scheduler did not stop cleanly', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
