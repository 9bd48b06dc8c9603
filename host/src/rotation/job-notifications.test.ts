import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '@keygate/test';
import { JobNotificationChannel, announces } from './job-notifications.js';

const CHANNEL = 'keygate_jobs_test';
const PROCESS_EVERY_MS = 1000;

let drop: () => Promise<void>;
let pool: pg.Pool;
let listener: pg.Client;
let channel: JobNotificationChannel;
/** `channel jobId` of every notification that reached PostgreSQL. */
const received: string[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // A plain LISTEN of our own, so the test sees exactly what reached PostgreSQL.
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', (n) => received.push(`${n.channel} ${(JSON.parse(n.payload ?? '{}') as { jobId?: string }).jobId ?? ''}`));
  await listener.query(`LISTEN "${CHANNEL}"`);
  await listener.query(`LISTEN "${CHANNEL}:state"`);
  channel = new JobNotificationChannel({ pool, channelName: CHANNEL, processEveryMs: PROCESS_EVERY_MS });
  await channel.connect();
});

afterAll(async () => {
  await channel?.disconnect();
  await listener?.end();
  await pool?.end();
  await drop?.();
});

/** Lets a NOTIFY sent before this call arrive; a round trip on the listener's connection does. */
async function settle(): Promise<void> {
  await listener.query('SELECT 1');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const job = (jobId: string, nextRunAt: Date | null) => ({ jobId, jobName: 'keygate.rotation.policy', nextRunAt, priority: 0, timestamp: new Date() });

describe('job notifications', () => {
  it('announces a job due before the next regular scan', async () => {
    received.length = 0;
    await channel.publish(job('due-now', new Date()) as never);
    await channel.publish(job('no-time', null) as never);
    await settle();
    expect(received).toEqual([`${CHANNEL} due-now`, `${CHANNEL} no-time`]);
  });

  it('sends nothing for a job the next regular scan finds anyway, nor for job state changes', async () => {
    received.length = 0;
    await channel.publish(job('next-month', new Date(Date.now() + 30 * 24 * 3600 * 1000)) as never);
    await channel.publishState({ jobId: 'x', jobName: 'keygate.rotation.policy', type: 'complete', timestamp: new Date(), source: 'test' } as never);
    // A job due soon afterwards still arrives, so the silence above is not a dead channel.
    await channel.publish(job('after', new Date()) as never);
    await settle();
    expect(received).toEqual([`${CHANNEL} after`]);
  });

  it('draws the line at one polling interval', () => {
    const now = 1_000_000;
    expect(announces({ nextRunAt: new Date(now + PROCESS_EVERY_MS) }, now, PROCESS_EVERY_MS)).toBe(true);
    expect(announces({ nextRunAt: new Date(now + PROCESS_EVERY_MS + 1) }, now, PROCESS_EVERY_MS)).toBe(false);
    expect(announces({ nextRunAt: new Date(now - 5000) }, now, PROCESS_EVERY_MS)).toBe(true);
  });
});
