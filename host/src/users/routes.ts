import { KeygateError, NotFoundError } from '@keygate/core';
import type { Request } from 'express';
import type { components } from '../generated/openapi.js';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { normalizeEmail, type UserInfo, type UserRecord } from './users-store.js';

type UserHandlers = Pick<HandlerTable, 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser' | 'login' | 'refreshToken' | 'logout'>;
type User = components['schemas']['User'];
type TokenPair = components['schemas']['TokenPair'];

/** Failed logins allowed per (client address, email) and per email within the window. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_FAILURES_PER_IP_EMAIL = 5;
export const LOGIN_FAILURES_PER_EMAIL = 20;
const LOGIN_RULE = { windowMs: LOGIN_WINDOW_MS, perIpSubject: LOGIN_FAILURES_PER_IP_EMAIL, perSubject: LOGIN_FAILURES_PER_EMAIL };

const INVALID_LOGIN = 'invalid email or password';

function toApi(user: UserInfo): User {
  return { id: user.id, email: user.email, tenantRole: user.tenantRole, disabled: user.disabled, createdAt: new Date(user.createdAt).toISOString() };
}

type PublicContext = Omit<RequestContext, 'principal'>;

/** Local users and their logins (access JWTs and rotating refresh tokens). */
export function userHandlers(s: HostServices): UserHandlers {
  const auditAuth = (ctx: PublicContext, action: string, outcome: 'success' | 'denied', status: number, user: Pick<UserRecord, 'id' | 'tenantId'> | undefined, target: string, details: Record<string, unknown>) =>
    s.audit.record({
      tenantId: user?.tenantId ?? null,
      actorType: user ? 'user' : 'anonymous',
      actorId: user?.id ?? 'anonymous',
      action,
      targetType: 'user',
      target,
      outcome,
      status,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details,
    });

  const pair = async (user: UserRecord, refreshToken: string): Promise<TokenPair> => {
    const access = await s.tokens.sign({ userId: user.id, tenantId: user.tenantId, role: user.tenantRole });
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt.toISOString(), tokenType: 'Bearer' };
  };

  return {
    listUsers: async ({ query, ctx }) => {
      authorize(ctx.principal, 'users.read', {}, 'users');
      const { limit, offset } = page(query);
      const { items, total } = await s.users.list(ctx.principal.tenantId, limit, offset);
      return { status: 200, body: { items: items.map(toApi), total, limit, offset } };
    },
    createUser: async ({ body, ctx }) => {
      authorize(ctx.principal, 'users.write', {}, 'users');
      if (body.tenantRole === 'Owner' && ctx.principal.role !== 'Owner') {
        throw new KeygateError('FORBIDDEN', 'only an Owner may create another Owner', { extensions: { denied: 'users.createOwner' } });
      }
      const user = await s.users.create(ctx.principal.tenantId, body);
      if (!user) throw new KeygateError('CONFLICT', `a user with email "${normalizeEmail(body.email)}" already exists`);
      await recordAction(s.audit, ctx, 'user.create', 'user', user.email, 201, { userId: user.id, tenantRole: user.tenantRole });
      return { status: 201, body: { id: user.id, email: user.email, tenantRole: user.tenantRole, createdAt: new Date(user.createdAt).toISOString() } };
    },
    updateUser: async ({ params, body, ctx }) => {
      authorize(ctx.principal, 'users.write', {}, 'users');
      const target = await s.users.get(ctx.principal.tenantId, params.id);
      if (!target) throw new NotFoundError(`user "${params.id}" not found`);
      refuseOwnerChange(ctx, target.tenantRole === 'Owner' || body.tenantRole === 'Owner', 'change an Owner or make someone Owner');
      const outcome = await s.users.change(ctx.principal.tenantId, params.id, body);
      if (outcome.kind === 'not-found') throw new NotFoundError(`user "${params.id}" not found`);
      if (outcome.kind === 'last-owner') throw lastOwner(outcome.user.email, body.disabled === true ? 'disabled' : 'demoted');
      if (outcome.kind !== 'updated') throw new Error('unexpected outcome');
      const changes: Record<string, unknown> = { userId: target.id };
      if (body.tenantRole !== undefined) Object.assign(changes, { tenantRole: { from: outcome.before.tenantRole, to: outcome.user.tenantRole } });
      if (body.disabled !== undefined) Object.assign(changes, { disabled: { from: outcome.before.disabled, to: outcome.user.disabled } });
      await recordAction(s.audit, ctx, 'user.update', 'user', outcome.user.email, 200, changes);
      return { status: 200, body: toApi(outcome.user) };
    },
    deleteUser: async ({ params, ctx }) => {
      authorize(ctx.principal, 'users.write', {}, 'users');
      const target = await s.users.get(ctx.principal.tenantId, params.id);
      if (!target) throw new NotFoundError(`user "${params.id}" not found`);
      refuseOwnerChange(ctx, target.tenantRole === 'Owner', 'delete an Owner');
      const outcome = await s.users.change(ctx.principal.tenantId, params.id, 'delete');
      if (outcome.kind === 'not-found') throw new NotFoundError(`user "${params.id}" not found`);
      if (outcome.kind === 'last-owner') throw lastOwner(outcome.user.email, 'deleted');
      await recordAction(s.audit, ctx, 'user.delete', 'user', target.email, 204, { userId: params.id });
      return { status: 204, body: undefined };
    },
    login: async ({ body, ctx, req }) => {
      const email = normalizeEmail(body.email);
      const retryAfter = await s.users.loginFailures.retryAfter(email, ctx.ip, LOGIN_RULE);
      if (retryAfter > 0) {
        await auditAuth(ctx, 'auth.login', 'denied', 429, undefined, email, { reason: 'too many failed logins' });
        tooMany(req, retryAfter);
      }
      const candidates = await s.users.candidates(email, body.tenantSlug);
      const user = candidates.length === 1 ? candidates[0] : undefined;
      // Verified even when the email is unknown, so both cost the same.
      const matches = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
      const reason = candidates.length > 1 ? 'email exists in several tenants; tenantSlug required' : !user ? 'unknown email' : !matches ? 'wrong password' : user.disabled ? 'user disabled' : undefined;
      if (reason !== undefined || !user) {
        await s.users.loginFailures.record(email, ctx.ip, LOGIN_WINDOW_MS);
        await auditAuth(ctx, 'auth.login', 'denied', 401, user, email, { reason: reason ?? 'unknown email' });
        throw new KeygateError('UNAUTHENTICATED', INVALID_LOGIN);
      }
      await s.users.loginFailures.clear(email, ctx.ip);
      const refresh = await s.users.issueRefreshToken(user.id);
      await auditAuth(ctx, 'auth.login', 'success', 200, user, email, {});
      return { status: 200, body: await pair(user, refresh.token) };
    },
    refreshToken: async ({ body, ctx }) => {
      const outcome = await s.users.rotate(body.refreshToken);
      if (outcome.kind !== 'rotated') {
        const user = outcome.kind === 'unknown' ? undefined : outcome.user;
        const reason = { unknown: 'unknown refresh token', expired: 'refresh token expired', disabled: 'user disabled', reused: 'revoked refresh token reused; all refresh tokens of the user revoked' }[outcome.kind];
        await auditAuth(ctx, 'auth.refresh', 'denied', 401, user, user?.email ?? 'unknown', { reason });
        throw new KeygateError('UNAUTHENTICATED', 'invalid, expired or revoked refresh token');
      }
      await auditAuth(ctx, 'auth.refresh', 'success', 200, outcome.user, outcome.user.email, {});
      return { status: 200, body: await pair(outcome.user, outcome.next.token) };
    },
    logout: async ({ body, ctx }) => {
      if (ctx.principal.actorType !== 'user') throw new NotFoundError('no user session: log out with a user access token');
      if (body.all === true) {
        const revoked = await s.users.revokeAll(ctx.principal.actorId);
        await recordAction(s.audit, ctx, 'auth.logout', 'user', ctx.principal.actorId, 204, { all: true, revoked });
        return { status: 204, body: undefined };
      }
      if (body.refreshToken === undefined) throw new KeygateError('INVALID_INPUT', 'send refreshToken, or all: true');
      const revoked = await s.users.revoke(ctx.principal.actorId, body.refreshToken);
      await recordAction(s.audit, ctx, 'auth.logout', 'user', ctx.principal.actorId, 204, { all: false, revoked: revoked ? 1 : 0 });
      return { status: 204, body: undefined };
    },
  };
}

/** Only an Owner (user, personal key or tenant key) may touch an Owner; an Admin is told so (403). */
function refuseOwnerChange(ctx: RequestContext, touchesOwner: boolean, what: string): void {
  if (touchesOwner && ctx.principal.role !== 'Owner') {
    throw new KeygateError('FORBIDDEN', `only an Owner may ${what}`, { extensions: { denied: 'users.owner' } });
  }
}

function lastOwner(email: string, what: string): KeygateError {
  return new KeygateError('CONFLICT', `"${email}" is the tenant's last enabled Owner and cannot be ${what}: make another user Owner first`);
}

function tooMany(req: Request, retryAfterSeconds: number): never {
  req.res?.setHeader('Retry-After', String(retryAfterSeconds));
  throw new KeygateError('RATE_LIMITED', `too many failed logins; retry after ${retryAfterSeconds} s`, { retryable: true });
}
