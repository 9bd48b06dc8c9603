import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { createTestDatabase } from '@keygate/test';
import { migrateToLatest } from '../migrate.js';
import * as compactSeenSignatures from './0013-compact-seen-signatures.js';
import * as wakeupIndexes from './0014-wakeup-indexes-and-autovacuum.js';
import * as auditAppendSetBased from './0015-audit-append-set-based.js';
import { AuditLog } from '../../audit/audit-log.js';
import pg from 'pg';

let knex: Knex;
let drop: () => Promise<void>;
let databaseUrl: string;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  databaseUrl = database.url;
  knex = knexFactory({ client: 'pg', connection: database.url });
  await migrateToLatest(knex);
});

afterAll(async () => {
  await knex?.destroy();
  await drop?.();
});

describe('migration 0013 (compact seen signatures)', () => {
  it('carries the signatures still inside their window over, as bytes, and drops expired ones', async () => {
    await wakeupIndexes.down(knex);
    await compactSeenSignatures.down(knex);
    const live = 'ab'.repeat(32);
    await knex.raw(`INSERT INTO seen_signatures (key_id, signature, expires_at) VALUES ('k1', ?, now() + interval '5 minutes'), ('k2', ?, now() - interval '1 minute')`, [live, 'cd'.repeat(32)]);
    await compactSeenSignatures.up(knex);
    await wakeupIndexes.up(knex);
    const { rows } = await knex.raw<{ rows: Array<{ key_id: string; signature: string }> }>(`SELECT key_id, encode(signature, 'hex') AS signature FROM seen_signatures`);
    expect(rows).toEqual([{ key_id: 'k1', signature: live }]);
    // Still remembered: the same signature again is not new.
    const again = await knex.raw<{ rowCount: number }>(`INSERT INTO seen_signatures (key_id, signature, expires_at) VALUES ('k1', decode(?, 'hex'), now()) ON CONFLICT DO NOTHING`, [live]);
    expect(again.rowCount).toBe(0);
  });
});

describe('migration 0014 (wake-up indexes out of Agenda’s way)', () => {
  it("leaves Agenda's save-by-id on the primary key, with a thousand wake-ups and no statistics yet", async () => {
    await knex.raw(`INSERT INTO keygate_jobs (name, next_run_at, type, data)
      SELECT 'keygate.rotation.policy', now(), 'normal', jsonb_build_object('policyId', gen_random_uuid()::text, 'at', now()::text) FROM generate_series(1, 1000)`);
    const { rows: [job] } = await knex.raw<{ rows: Array<{ id: string }> }>(`SELECT id FROM keygate_jobs LIMIT 1`);
    const { rows } = await knex.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
      `EXPLAIN UPDATE keygate_jobs SET locked_at = NULL, last_run_at = now() WHERE id = ? AND name = 'keygate.rotation.policy'`,
      [job!.id],
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('keygate_jobs_pkey');
    expect(plan).not.toContain('keygate_jobs_policy_wakeups');
  });
});

describe('migration 0015 (set-based audit append)', () => {
  const entry = (i: number) => ({
    tenantId: null,
    actorType: 'system' as const,
    actorId: 'migration-test',
    action: 'test.append',
    targetType: 'row',
    target: `row ${i} ✓`,
    outcome: 'success' as const,
    details: { i },
  });

  it('appends concurrent batches in chain order, and so did the append it replaced', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    try {
      const audit = new AuditLog(pool, Buffer.alloc(32, 7));
      const appendMany = async (from: number) => {
        await Promise.all(Array.from({ length: 60 }, (_, i) => audit.record(entry(from + i))));
        await audit.flush();
      };
      await appendMany(0);
      await auditAppendSetBased.down(knex);
      await appendMany(100);
      await auditAppendSetBased.up(knex);
      await appendMany(200);
      expect(await audit.verifyChain()).toEqual({ ok: true, checked: expect.any(Number) as number });
      const { rows } = await pool.query<{ target: string }>(`SELECT target FROM audit_events WHERE action = 'test.append' ORDER BY seq`);
      expect(rows).toHaveLength(180);
      // Each batch keeps the order of its calls.
      expect(rows.slice(0, 60).map((r) => r.target)).toEqual(Array.from({ length: 60 }, (_, i) => `row ${i} ✓`));
      expect(rows.slice(120).map((r) => r.target)).toEqual(Array.from({ length: 60 }, (_, i) => `row ${200 + i} ✓`));
    } finally {
      await pool.end();
    }
  });
});
