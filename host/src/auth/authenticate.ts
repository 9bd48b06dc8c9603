import type { NextFunction, Request, Response } from 'express';
import { parseApiKey, isKeyId, verifyRequestSignature, timingSafeEqualString, SIGNING_HEADERS } from '@keygate/core/wire';
import { KeygateError } from '@keygate/core';
import type { ApiKeyRecord, ApiKeyStore } from './api-keys.js';
import type { ReplayGuard } from './replay-guard.js';
import type { AccessTokens } from './access-tokens.js';
import type { UserStore } from '../users/users-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { MemberAccess, Principal, RequestContext } from '../http/request-context.js';
import type { FailureLimiter, FailureRule } from './failure-limiter.js';

export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

type Credential =
  | { kind: 'bearer'; keyId: string; secret: string }
  | { kind: 'signed'; keyId: string; timestamp: string; signature: string }
  | { kind: 'jwt'; token: string }
  | { kind: 'malformed'; keyId: string | undefined; reason: string }
  | { kind: 'none' };

function readCredential(req: Request): Credential {
  const authorization = req.headers.authorization;
  const signedKeyId = req.headers[SIGNING_HEADERS.keyId];
  if (authorization !== undefined && signedKeyId !== undefined) {
    return { kind: 'malformed', keyId: undefined, reason: 'both Authorization and X-Bella-Key-Id sent' };
  }
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return { kind: 'malformed', keyId: undefined, reason: 'Authorization is not a Bearer credential' };
    // Anything that is not an API key is tried as a user's access token (JWT).
    if (!match[1]!.startsWith('bax-')) return { kind: 'jwt', token: match[1]! };
    const parsed = parseApiKey(match[1]!);
    if (!parsed) return { kind: 'malformed', keyId: undefined, reason: 'bearer token is not a bax- API key' };
    return { kind: 'bearer', keyId: parsed.keyId, secret: parsed.secret };
  }
  if (signedKeyId !== undefined) {
    const timestamp = req.headers[SIGNING_HEADERS.timestamp];
    const signature = req.headers[SIGNING_HEADERS.signature];
    // Node joins repeated headers with ", ": a duplicated signing header fails these shape checks.
    if (typeof signedKeyId !== 'string' || !isKeyId(signedKeyId)) return { kind: 'malformed', keyId: undefined, reason: 'X-Bella-Key-Id is not a key id' };
    if (typeof timestamp !== 'string' || typeof signature !== 'string') {
      return { kind: 'malformed', keyId: signedKeyId, reason: 'X-Bella-Timestamp and X-Bella-Signature are required with X-Bella-Key-Id' };
    }
    return { kind: 'signed', keyId: signedKeyId, timestamp, signature };
  }
  return { kind: 'none' };
}

export interface AuthenticateDeps {
  keys: ApiKeyStore;
  audit: AuditLog;
  /** Refuses a signed request whose signature was already accepted (on any replica). */
  replay?: ReplayGuard;
  /** Users' access tokens (and project memberships); without them a JWT is refused. */
  users?: { store: UserStore; tokens: AccessTokens; memberships?: { accessOf(userId: string): Promise<MemberAccess> } };
  /** Counts failed authentications per client address (on every replica) and answers 429 past the rule. */
  failures?: { limiter: FailureLimiter; rule: FailureRule };
  /** Full paths (e.g. `/api/v1/auth/login`) that need no credentials. */
  publicPaths?: ReadonlySet<string>;
  now?: () => number;
}

/**
 * Establishes the caller from an API key (bearer or HMAC-signed request). Every failure answers the
 * same 401 so that callers cannot tell an unknown key from a wrong secret; the audit row says which.
 */
export function authenticate(deps: AuthenticateDeps) {
  const now = deps.now ?? Date.now;
  // Addresses this replica saw go over the limit, until when: refused before any key lookup, so a
  // blocked client cannot tell a right key from a wrong one either.
  const blocked = new Map<string, number>();
  const accessOf = async (userId: string, role: string): Promise<MemberAccess | undefined> =>
    role === 'User' || role === 'Viewer' ? deps.users?.memberships?.accessOf(userId) : undefined;
  return async (req: RawBodyRequest, res: Response, next: NextFunction): Promise<void> => {
    const ctx = res.locals.ctx as Omit<RequestContext, 'principal'>;
    if (deps.publicPaths?.has(req.baseUrl + req.path)) {
      next();
      return;
    }
    const credential = readCredential(req);
    /**
     * `proven`: the caller showed the right secret (a valid signature or token) and was refused for
     * another reason (replay, disabled or expired key, disabled user). Only unproven failures count
     * towards the per-address limit: they are what guessing looks like, while a legitimate client
     * that repeats a signature within a second, or whose key was just disabled, is not guessing.
     * Whether a failure counts never depends on whether the key id exists.
     */
    const deny = async (reason: string, keyId: string | undefined, record?: ApiKeyRecord, user?: { id: string; tenantId: string }, proven = false): Promise<void> => {
      let retryAfter = 0;
      const until = blocked.get(ctx.ip);
      if (until !== undefined && until > now()) retryAfter = Math.ceil((until - now()) / 1000);
      else if (deps.failures && credential.kind !== 'none' && !proven) {
        retryAfter = await deps.failures.limiter.retryAfter('*', ctx.ip, deps.failures.rule);
        if (retryAfter > 0) {
          if (blocked.size >= 10_000) blocked.clear();
          blocked.set(ctx.ip, now() + retryAfter * 1000);
        } else {
          await deps.failures.limiter.record('*', ctx.ip, deps.failures.rule.windowMs);
        }
      }
      await deps.audit.record({
        tenantId: record?.tenantId ?? user?.tenantId ?? null,
        actorType: user ? 'user' : keyId ? 'api-key' : 'anonymous',
        actorId: user?.id ?? keyId ?? 'anonymous',
        action: 'auth.denied',
        targetType: 'request',
        target: `${req.method} ${req.path}`,
        outcome: 'denied',
        status: retryAfter > 0 ? 429 : 401,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: retryAfter > 0 ? { reason, rateLimited: true } : { reason },
      });
      if (retryAfter > 0) {
        res.setHeader('Retry-After', String(retryAfter));
        next(new KeygateError('RATE_LIMITED', `too many failed authentications from this address; retry after ${retryAfter} s`, { retryable: true }));
        return;
      }
      const detail =
        credential.kind === 'none'
          ? 'authentication required: send Authorization: Bearer bax-… (or a user access token) or signed X-Bella-* headers'
          : credential.kind === 'jwt'
            ? 'invalid or expired access token'
            : 'invalid, disabled or expired API key, or bad request signature';
      next(new KeygateError('UNAUTHENTICATED', detail));
    };

    if (credential.kind === 'none') return deny('no credentials', undefined);
    const blockedUntil = blocked.get(ctx.ip);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now()) return deny('client address blocked after repeated authentication failures', undefined);
      blocked.delete(ctx.ip);
    }
    if (credential.kind === 'malformed') return deny(credential.reason, credential.keyId);
    if (credential.kind === 'jwt') {
      if (!deps.users) return deny('access tokens are not accepted', undefined);
      const verified = await deps.users.tokens.verify(credential.token);
      // An expired token had a valid signature (it is checked first).
      if (!verified.ok) return deny(verified.reason, undefined, undefined, undefined, verified.reason.includes('ERR_JWT_EXPIRED'));
      const user = await deps.users.store.lookup(verified.claims.userId);
      if (!user || user.tenantId !== verified.claims.tenantId) return deny('user no longer exists', undefined, undefined, undefined, true);
      const who = { id: user.id, tenantId: user.tenantId };
      if (user.disabled) return deny('user disabled', undefined, undefined, who, true);
      const principal: Principal = {
        tenantId: user.tenantId,
        tenantSlug: user.tenantSlug,
        actorType: 'user',
        actorId: user.id,
        scope: 'tenant',
        // The current role, not the one in the token: a demotion takes effect at once.
        role: user.tenantRole,
        projectId: null,
        environmentId: null,
        scopes: null,
      };
      const access = await accessOf(user.id, user.tenantRole);
      if (access) principal.access = access;
      res.locals.ctx = { ...ctx, principal } satisfies RequestContext;
      next();
      return;
    }

    const record = await deps.keys.lookup(credential.keyId);
    if (!record) return deny('unknown key id', credential.keyId);
    if (credential.kind === 'bearer') {
      if (!timingSafeEqualString(record.secret, credential.secret)) return deny('wrong key secret', credential.keyId, record);
    } else {
      const url = req.originalUrl;
      const q = url.indexOf('?');
      const check = verifyRequestSignature(
        record.secret,
        {
          method: req.method,
          path: q < 0 ? url : url.slice(0, q),
          query: q < 0 ? '' : url.slice(q + 1),
          timestamp: credential.timestamp,
          body: req.rawBody ?? Buffer.alloc(0),
        },
        credential.signature,
        now(),
      );
      if (!check.ok) return deny(check.reason, credential.keyId, record);
    }
    if (!record.enabled) return deny('key disabled', credential.keyId, record, undefined, true);
    if (record.expiresAt && record.expiresAt.getTime() <= now()) return deny('key expired', credential.keyId, record, undefined, true);
    let role = record.role;
    let access: MemberAccess | undefined;
    if (record.scope === 'personal') {
      // A personal key acts as its user, with the user's role now (a demotion applies at once).
      const user = record.userId === null ? undefined : await deps.users?.store.lookup(record.userId);
      if (!user || user.tenantId !== record.tenantId) return deny('personal key of a user who no longer exists', credential.keyId, record, undefined, true);
      if (user.disabled) return deny('personal key of a disabled user', credential.keyId, record, undefined, true);
      role = user.tenantRole;
      access = await accessOf(user.id, role);
    }
    // Last, so that only a request that is otherwise accepted uses up its signature.
    if (credential.kind === 'signed' && deps.replay && !(await deps.replay.firstUse(credential.keyId, credential.signature, Date.parse(credential.timestamp)))) {
      return deny('replayed signature', credential.keyId, record, undefined, true);
    }

    const principal: Principal = {
      tenantId: record.tenantId,
      tenantSlug: record.tenantSlug,
      actorType: 'api-key',
      actorId: record.keyId,
      scope: record.scope,
      role,
      projectId: record.projectId,
      environmentId: record.environmentId,
      scopes: record.scopes,
      ...(access === undefined ? {} : { access }),
    };
    res.locals.ctx = { ...ctx, principal } satisfies RequestContext;
    next();
  };
}
