import type { Knex } from 'knex';
import type { ApiKeyStore, CreatedApiKey, NewApiKey } from '../auth/api-keys.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';

/** Beyond the token's `exp`: the verifier's leeway plus clock differences between replicas. */
export const SEEN_TOKEN_MARGIN_MS = 120_000;
const MAX_BATCH = 200;

export interface IssueRequest {
  /** The workload token's issuer and id: the key is issued only the first time this pair is seen. */
  issuer: string;
  tokenId: string;
  /** The token's own expiry; the id is remembered a little longer (see {@link SEEN_TOKEN_MARGIN_MS}). */
  tokenExpiresAt: Date;
  /** The trust domain that grants the key: deleting it revokes the key. */
  trustDomainId: string;
  /** An environment key without scopes (what a trust domain grants). */
  key: NewApiKey & { scope: 'environment'; environmentId: string; scopes?: null; userId?: null };
  /** The success row, given what the workload is shown about its key. */
  audit: (created: { keyPrefix: string; expiresAt: Date | null }) => AuditEntry;
}

export type IssueResult = { issued: true; created: CreatedApiKey } | { issued: false };

interface Pending {
  request: IssueRequest;
  resolve: (result: IssueResult) => void;
  reject: (error: unknown) => void;
}

interface InputRow {
  n: number;
  issuer: string;
  token_id: string;
  token_expires_at: string;
  tenant_id: string;
  key_id: string;
  secret_ciphertext: string;
  client_name: string;
  description: string;
  scope: string;
  role: string;
  project_id: string | null;
  environment_id: string;
  trust_domain_id: string;
  expires_at: string | null;
  audit: unknown;
}

/*
 * One statement, so one commit, for everything an accepted exchange writes: the token id (replay
 * refusal), the key and the audit row. The key and the audit row are written only for token ids
 * that were not there yet, and all of it is durable (a normal synchronous commit) before any key
 * is returned: after a crash a token that got a key is still remembered as used, a key that was
 * returned still exists, and its audit row too. A statement that fails writes none of it, so no
 * compensation is needed for a token id whose key could not be stored.
 */
const ISSUE_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(
    n int, issuer text, token_id text, token_expires_at timestamptz,
    tenant_id uuid, key_id text, secret_ciphertext text, client_name text, description text,
    scope text, role text, project_id uuid, environment_id uuid, trust_domain_id uuid, expires_at timestamptz, audit jsonb)
), seen AS (
  INSERT INTO seen_workload_tokens (issuer, token_id, expires_at)
  SELECT issuer, token_id, token_expires_at FROM input ORDER BY n
  ON CONFLICT DO NOTHING
  RETURNING issuer, token_id
), fresh AS (
  SELECT input.* FROM input JOIN seen USING (issuer, token_id)
), issued AS (
  INSERT INTO api_keys (tenant_id, key_id, secret_ciphertext, client_name, description, scope, role, project_id, environment_id, trust_domain_id, expires_at)
  SELECT tenant_id, key_id, secret_ciphertext, client_name, description, scope, role, project_id, environment_id, trust_domain_id, expires_at FROM fresh ORDER BY n
  RETURNING key_id, id, expires_at
), audited AS (
  SELECT keygate_audit_append(jsonb_agg(audit ORDER BY n)) FROM fresh HAVING count(*) > 0
)
SELECT issued.key_id, issued.id, issued.expires_at, (SELECT count(*) FROM audited) AS audited FROM issued`;

/**
 * Issues exchange keys with group commit: exchanges that arrive together share one statement (one
 * round trip, one commit and one change notification) instead of three commits each. An idle
 * server still writes a lone exchange at once.
 */
export class ExchangeKeyIssuer {
  readonly #knex: Knex;
  readonly #keys: ApiKeyStore;
  readonly #audit: AuditLog;
  #queue: Pending[] = [];
  #draining = false;

  constructor(deps: { knex: Knex; keys: ApiKeyStore; audit: AuditLog }) {
    this.#knex = deps.knex;
    this.#keys = deps.keys;
    this.#audit = deps.audit;
  }

  /** The key, or `issued: false` when the token id was already used (a replay). */
  issue(request: IssueRequest): Promise<IssueResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    // Yield once so that exchanges arriving in the same tick join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.#queue.length > 0) await this.#write(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#draining = false;
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      await this.#statement(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One exchange that cannot be stored (say, its environment was just deleted) must not fail
      // the others that shared its statement: each is tried again on its own.
      for (const pending of batch) await this.#write([pending]);
    }
  }

  async #statement(batch: Pending[]): Promise<void> {
    // The same token twice in one batch: the first is the use, the rest are replays.
    const first = new Map<string, Pending>();
    const replays: Pending[] = [];
    for (const p of batch) {
      const id = `${p.request.issuer}\n${p.request.tokenId}`;
      if (first.has(id)) replays.push(p);
      else first.set(id, p);
    }
    const prepared = [...first.values()].map((pending, n) => {
      const { row, apiKey } = this.#keys.prepare(pending.request.key);
      const audit = this.#audit.sealForAppend(pending.request.audit({ keyPrefix: apiKey.keyPrefix, expiresAt: row.expires_at }));
      const input: InputRow = {
        n,
        issuer: pending.request.issuer,
        token_id: pending.request.tokenId,
        token_expires_at: new Date(pending.request.tokenExpiresAt.getTime() + SEEN_TOKEN_MARGIN_MS).toISOString(),
        tenant_id: row.tenant_id,
        key_id: row.key_id,
        secret_ciphertext: row.secret_ciphertext,
        client_name: row.client_name,
        description: row.description,
        scope: row.scope,
        role: row.role,
        project_id: row.project_id,
        environment_id: pending.request.key.environmentId,
        trust_domain_id: pending.request.trustDomainId,
        expires_at: row.expires_at === null ? null : row.expires_at.toISOString(),
        audit,
      };
      return { pending, apiKey, input };
    });
    const result = await this.#knex.raw<{ rows: Array<{ key_id: string; id: string; expires_at: Date | null }> }>(ISSUE_SQL, [JSON.stringify(prepared.map((p) => p.input))]);
    const issued = new Map(result.rows.map((row) => [row.key_id, row]));
    for (const { pending, apiKey } of prepared) {
      const row = issued.get(apiKey.keyId);
      pending.resolve(row ? { issued: true, created: { ...apiKey, id: row.id, expiresAt: row.expires_at } } : { issued: false });
    }
    for (const p of replays) p.resolve({ issued: false });
  }
}
