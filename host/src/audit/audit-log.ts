import { createHash, createHmac, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { canonicalJson } from './canonical-json.js';
import { GroupCommit } from '@keygate/core';

export type AuditOutcome = 'success' | 'denied' | 'error';

export interface AuditEntry {
  tenantId: string | null;
  actorType: 'api-key' | 'anonymous' | 'system' | 'user';
  actorId: string;
  /** e.g. `secret.read`, `secret.write`, `environment.read`, `provider.create`, `auth.denied`. */
  action: string;
  targetType: string;
  target: string;
  outcome: AuditOutcome;
  status?: number;
  requestId?: string;
  ip?: string;
  /** Never values or credentials: use {@link AuditLog.valueHmac} to record which value was written. */
  details?: Record<string, unknown>;
  /** The project the row concerns (secret and environment rows); stored for filtering, not hashed. */
  projectId?: string;
  /** The environment the row concerns; stored for filtering, not hashed. */
  environmentId?: string;
}

interface SealedEntry extends AuditEntry {
  id: string;
  occurredAt: Date;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * A row's hashed content (with nulls rather than absent members). `projectId`/`environmentId` are
 * deliberately left out, so rows written before they existed still verify.
 */
function rowFields(entry: SealedEntry) {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    tenantId: entry.tenantId,
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    target: entry.target,
    outcome: entry.outcome,
    status: entry.status ?? null,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
    details: entry.details ?? {},
  };
}

/** One element of the array `keygate_audit_append(jsonb)` takes (migrations 0003 and 0005). */
export type AppendRow = ReturnType<typeof rowFields> & { projectId: string | null; environmentId: string | null; body: string };

function appendRow(entry: SealedEntry): AppendRow {
  const fields = rowFields(entry);
  return { ...fields, projectId: entry.projectId ?? null, environmentId: entry.environmentId ?? null, body: canonicalJson(fields) };
}

/** The canonical JSON of a row's content: what its hash covers besides the previous hash. */
export function auditRowBody(entry: SealedEntry): string {
  return canonicalJson(rowFields(entry));
}

export function hashAuditRow(prevHash: string, entry: SealedEntry): string {
  return createHash('sha256').update(`${prevHash}\n${auditRowBody(entry)}`, 'utf8').digest('hex');
}

export type ChainVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAtSeq: number; reason: string };

/**
 * The append-only, hash-chained audit trail.
 *
 * Every row carries the hash of the previous one, so removing or editing a row breaks the chain.
 * Writes use group commit: concurrent callers are batched into one call that holds the chain
 * head's row lock, which keeps the chain linear across replicas with one round trip per batch. `record` resolves only once its row is committed, so a response never outruns its audit.
 */
export class AuditLog {
  readonly #pool: pg.Pool;
  readonly #hmacKey: Buffer;
  readonly #appends = new GroupCommit<SealedEntry>((entries) => this.#write(entries));

  constructor(pool: pg.Pool, hmacKey: Buffer) {
    this.#pool = pool;
    this.#hmacKey = hmacKey;
  }

  /** Keyed digest of a value, so the audit can show *that* (and whether the same) value was written. */
  valueHmac(value: string): string {
    return createHmac('sha256', this.#hmacKey).update(value, 'utf8').digest('hex');
  }

  record(entry: AuditEntry): Promise<void> {
    return this.#appends.add({ ...entry, id: randomUUID(), occurredAt: new Date() });
  }

  /**
   * A row sealed (id, time) in the form `keygate_audit_append(jsonb)` takes, for a caller that
   * appends it inside its own statement so that the row commits together with what it records.
   */
  sealForAppend(entry: AuditEntry): AppendRow {
    return appendRow({ ...entry, id: randomUUID(), occurredAt: new Date() });
  }

  /** Waits for queued rows (graceful shutdown). */
  flush(): Promise<void> {
    return this.#appends.flush();
  }

  /** One round trip: the database links the rows under the chain head's lock (migrations 0003 and 0005). */
  async #write(entries: SealedEntry[]): Promise<void> {
    const batch = entries.map(appendRow);
    // Named: each connection parses and plans the append once.
    await this.#pool.query({ name: 'keygate_audit_append', text: 'SELECT keygate_audit_append($1::jsonb)', values: [JSON.stringify(batch)] });
  }

  /** Recomputes the chain from the first row and reports the first broken link. */
  async verifyChain(): Promise<ChainVerification> {
    let prevHash = GENESIS_HASH;
    let lastSeq = 0;
    let checked = 0;
    for (;;) {
      const { rows } = await this.#pool.query<AuditRow>(
        `SELECT seq, id, occurred_at, tenant_id, actor_type, actor_id, action, target_type, target, outcome, status, request_id, ip, details, prev_hash, hash
         FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000`,
        [lastSeq],
      );
      if (rows.length === 0) return { ok: true, checked };
      for (const row of rows) {
        if (row.prev_hash !== prevHash) return { ok: false, checked, brokenAtSeq: Number(row.seq), reason: 'prev_hash does not match the hash of the row before it' };
        const expected = hashAuditRow(prevHash, {
          id: row.id,
          occurredAt: row.occurred_at,
          tenantId: row.tenant_id,
          actorType: row.actor_type as AuditEntry['actorType'],
          actorId: row.actor_id,
          action: row.action,
          targetType: row.target_type,
          target: row.target,
          outcome: row.outcome as AuditOutcome,
          ...(row.status === null ? {} : { status: row.status }),
          ...(row.request_id === null ? {} : { requestId: row.request_id }),
          ...(row.ip === null ? {} : { ip: row.ip }),
          details: row.details,
        });
        if (expected !== row.hash) return { ok: false, checked, brokenAtSeq: Number(row.seq), reason: 'row content does not match its hash' };
        prevHash = row.hash;
        lastSeq = Number(row.seq);
        checked++;
      }
    }
  }
}

interface AuditRow {
  /** bigint: pg returns it as text. */
  seq: string;
  id: string;
  occurred_at: Date;
  tenant_id: string | null;
  actor_type: string;
  actor_id: string;
  action: string;
  target_type: string;
  target: string;
  outcome: string;
  status: number | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}
