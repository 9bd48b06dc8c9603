import type { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';
import { CoherentCache, type ChangeFeed } from '../db/change-feed.js';
import { hashPassword } from './passwords.js';
import { FailureLimiter } from '../auth/failure-limiter.js';

export type TenantRole = 'Owner' | 'Admin' | 'User' | 'Viewer';

/** What may be shown about a user: never the password hash. */
export interface UserInfo {
  id: string;
  email: string;
  tenantRole: TenantRole;
  disabled: boolean;
  createdAt: Date;
}

/** A user as authentication needs it (cached until `users` changes). */
export interface UserRecord {
  id: string;
  tenantId: string;
  tenantSlug: string;
  email: string;
  tenantRole: TenantRole;
  disabled: boolean;
}

export interface LoginCandidate extends UserRecord {
  passwordHash: string;
}

interface UserRow {
  id: string;
  tenant_id: string;
  tenant_slug: string;
  email: string;
  tenant_role: TenantRole;
  disabled: boolean;
  password_hash: string;
}

interface InfoRow {
  id: string;
  email: string;
  tenant_role: TenantRole;
  disabled: boolean;
  created_at: Date;
}

const INFO_COLUMNS = ['id', 'email', 'tenant_role', 'disabled', 'created_at'];

function toInfo(row: InfoRow): UserInfo {
  return { id: row.id, email: row.email, tenantRole: row.tenant_role, disabled: row.disabled, createdAt: row.created_at };
}

function toRecord(row: UserRow): UserRecord {
  return { id: row.id, tenantId: row.tenant_id, tenantSlug: row.tenant_slug, email: row.email, tenantRole: row.tenant_role, disabled: row.disabled };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** SHA-256 (hex) of an opaque refresh token: only this is stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

export type RefreshOutcome =
  | { kind: 'rotated'; user: UserRecord; next: IssuedRefreshToken }
  | { kind: 'unknown' }
  | { kind: 'expired'; user: UserRecord }
  | { kind: 'disabled'; user: UserRecord }
  | { kind: 'reused'; user: UserRecord };

export type UserChange =
  | { kind: 'not-found' }
  | { kind: 'last-owner'; user: UserInfo }
  | { kind: 'deleted'; user: UserInfo }
  | { kind: 'updated'; before: UserInfo; user: UserInfo };

export const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;

/** Local users, their refresh tokens and failed logins. */
export class UserStore {
  readonly #knex: Knex;
  readonly #cache: CoherentCache<UserRecord | undefined>;

  constructor(knex: Knex, feed: ChangeFeed) {
    this.#knex = knex;
    this.#cache = new CoherentCache(feed);
    this.loginFailures = new FailureLimiter(knex, 'login');
  }

  async create(tenantId: string, input: { email: string; password: string; tenantRole: TenantRole }): Promise<UserInfo | undefined> {
    const passwordHash = await hashPassword(input.password);
    const rows = await this.#knex('users')
      .insert({ tenant_id: tenantId, email: normalizeEmail(input.email), password_hash: passwordHash, tenant_role: input.tenantRole })
      .onConflict(['tenant_id', 'email'])
      .ignore()
      .returning<InfoRow[]>(INFO_COLUMNS);
    return rows[0] ? toInfo(rows[0]) : undefined;
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ items: UserInfo[]; total: number }> {
    const scoped = () => this.#knex('users').where({ tenant_id: tenantId });
    const [rows, count] = await Promise.all([
      scoped().orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit).offset(offset).select<InfoRow[]>(INFO_COLUMNS),
      scoped().count<Array<{ count: string | number }>>({ count: '*' }),
    ]);
    return { items: rows.map(toInfo), total: Number(count[0]?.count ?? 0) };
  }

  async get(tenantId: string, id: string): Promise<UserInfo | undefined> {
    const row = await this.#knex('users').where({ tenant_id: tenantId, id }).first<InfoRow | undefined>(INFO_COLUMNS);
    return row ? toInfo(row) : undefined;
  }

  /**
   * Changes the user's role and/or disabled flag, or deletes the user, unless that would leave the
   * tenant without an enabled Owner. The tenant's enabled Owners are locked while deciding, so two
   * Owners demoting each other at once cannot both succeed.
   */
  async change(tenantId: string, id: string, change: { tenantRole?: TenantRole; disabled?: boolean } | 'delete'): Promise<UserChange> {
    return this.#knex.transaction(async (trx) => {
      const owners = await trx('users').where({ tenant_id: tenantId, tenant_role: 'Owner', disabled: false }).forUpdate().select<Array<{ id: string }>>('id');
      const current = await trx('users').where({ tenant_id: tenantId, id }).forUpdate().first<InfoRow | undefined>(INFO_COLUMNS);
      if (!current) return { kind: 'not-found' } as const;
      const stillOwner = change !== 'delete' && (change.tenantRole ?? current.tenant_role) === 'Owner' && !(change.disabled ?? current.disabled);
      if (owners.some((o) => o.id === id) && owners.length === 1 && !stillOwner) return { kind: 'last-owner', user: toInfo(current) } as const;
      if (change === 'delete') {
        await trx('users').where({ tenant_id: tenantId, id }).delete();
        return { kind: 'deleted', user: toInfo(current) } as const;
      }
      const [row] = await trx('users')
        .where({ tenant_id: tenantId, id })
        .update({
          ...(change.tenantRole === undefined ? {} : { tenant_role: change.tenantRole }),
          ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
          updated_at: trx.fn.now(),
        })
        .returning<InfoRow[]>(INFO_COLUMNS);
      // A disabled user's refresh tokens are revoked too, so enabling them again needs a new login.
      if (change.disabled === true) await trx('refresh_tokens').where({ user_id: id }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
      return { kind: 'updated', before: toInfo(current), user: toInfo(row!) } as const;
    });
  }

  /** The users with this email (one per tenant), optionally in one tenant only. */
  async candidates(email: string, tenantSlug?: string): Promise<LoginCandidate[]> {
    const query = this.#knex('users as u').join('tenants as t', 't.id', 'u.tenant_id').where('u.email', normalizeEmail(email));
    if (tenantSlug !== undefined) void query.where('t.slug', tenantSlug);
    const rows = await query.limit(2).select<UserRow[]>('u.id', 'u.tenant_id', 't.slug as tenant_slug', 'u.email', 'u.tenant_role', 'u.disabled', 'u.password_hash');
    return rows.map((row) => ({ ...toRecord(row), passwordHash: row.password_hash }));
  }

  /** The user with this id, or undefined (negative answers cached too). */
  lookup(id: string): Promise<UserRecord | undefined> {
    return this.#cache.get(id, async () => {
      const row = await this.#knex('users as u')
        .join('tenants as t', 't.id', 'u.tenant_id')
        .where('u.id', id)
        .first<UserRow | undefined>('u.id', 'u.tenant_id', 't.slug as tenant_slug', 'u.email', 'u.tenant_role', 'u.disabled', 'u.password_hash');
      return row ? toRecord(row) : undefined;
    });
  }

  // --- refresh tokens ---

  async issueRefreshToken(userId: string, trx: Knex = this.#knex): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_MS);
    await trx('refresh_tokens').insert({ user_id: userId, token_hash: hashRefreshToken(token), expires_at: expiresAt });
    return { token, expiresAt };
  }

  /**
   * Exchanges a refresh token for a new one (rotation). Presenting a token that was already
   * rotated or revoked means it was copied: every token of its user is revoked.
   */
  async rotate(token: string): Promise<RefreshOutcome> {
    const hash = hashRefreshToken(token);
    const row = await this.#knex('refresh_tokens').where({ token_hash: hash }).first<{ id: string; user_id: string; expires_at: Date; revoked_at: Date | null } | undefined>('id', 'user_id', 'expires_at', 'revoked_at');
    if (!row) return { kind: 'unknown' };
    const user = await this.lookup(row.user_id);
    if (!user) return { kind: 'unknown' };
    if (row.revoked_at !== null) {
      await this.revokeAll(row.user_id);
      return { kind: 'reused', user };
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return { kind: 'expired', user };
    if (user.disabled) return { kind: 'disabled', user };
    return this.#knex.transaction(async (trx) => {
      const revoked = await trx('refresh_tokens').where({ id: row.id }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() }).returning('id');
      if (revoked.length === 0) {
        // Another request rotated it first: a second use of the same token.
        await trx('refresh_tokens').where({ user_id: row.user_id }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
        return { kind: 'reused', user } as const;
      }
      const next = await this.issueRefreshToken(row.user_id, trx);
      return { kind: 'rotated', user, next } as const;
    });
  }

  /** Revokes one of the user's refresh tokens; false when it is not theirs or already revoked. */
  async revoke(userId: string, token: string): Promise<boolean> {
    const rows = await this.#knex('refresh_tokens').where({ user_id: userId, token_hash: hashRefreshToken(token) }).whereNull('revoked_at').update({ revoked_at: this.#knex.fn.now() }).returning('id');
    return rows.length > 0;
  }

  async revokeAll(userId: string): Promise<number> {
    const rows = await this.#knex('refresh_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: this.#knex.fn.now() }).returning('id');
    return rows.length;
  }

  // --- failed logins (counted per email and per address and email) ---

  readonly loginFailures: FailureLimiter;
}
