import type { JobNotification, JobStateNotification } from 'agenda';
import { PostgresNotificationChannel, type PostgresNotificationChannelConfig } from '@agendajs/postgres-backend';

/**
 * Agenda's LISTEN/NOTIFY channel, minus the notifications nobody acts on. Each one is a NOTIFY
 * round trip on the host's pool, and a rotation run caused four of them:
 *
 * - job state notifications (start, success, complete of every job): they only relay Agenda's
 *   lifecycle events to other processes, and Keygate listens to none of them;
 * - new-job notifications for jobs due after the next regular scan (a policy's next rotation,
 *   weeks ahead): a receiving replica ignores a job due after its next scan ("will be picked up
 *   by regular scan"), and its scan is at most `processEveryMs` away, so such a notification
 *   changes nothing.
 *
 * Jobs due sooner (Rotate Now, a retry, a revocation that is due) are still announced, so another
 * replica takes them at once.
 */
export class JobNotificationChannel extends PostgresNotificationChannel {
  readonly #processEveryMs: number;

  constructor(config: PostgresNotificationChannelConfig & { processEveryMs: number }) {
    const { processEveryMs, ...rest } = config;
    super(rest);
    this.#processEveryMs = processEveryMs;
  }

  override async publish(notification: JobNotification): Promise<void> {
    if (!announces(notification, Date.now(), this.#processEveryMs)) return;
    await super.publish(notification);
  }

  override publishState(notification: JobStateNotification): Promise<void> {
    void notification;
    return Promise.resolve();
  }
}

/** Whether a new-job notification can make a replica act sooner than its own regular scan would. */
export function announces(notification: Pick<JobNotification, 'nextRunAt'>, nowMs: number, processEveryMs: number): boolean {
  const at = notification.nextRunAt;
  if (!at) return true;
  return new Date(at).getTime() <= nowMs + processEveryMs;
}
