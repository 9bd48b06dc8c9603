import type { NextFunction, Request, Response } from 'express';
import { parseApiKey, isKeyId, verifyRequestSignature, timingSafeEqualString, SIGNING_HEADERS } from '@keygate/core/wire';
import { KeygateError } from '@keygate/core';
import type { ApiKeyRecord, ApiKeyStore } from './api-keys.js';
import type { ReplayGuard } from './replay-guard.js';
import type { AccessTokens } from './access-tokens.js';
import type { UserStore } from '../users/users-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal, RequestContext } from '../http/request-context.js';

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
  /** Users' access tokens; without them a JWT is refused. */
  users?: { store: UserStore; tokens: AccessTokens };
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
  return async (req: RawBodyRequest, res: Response, next: NextFunction): Promise<void> => {
    const ctx = res.locals.ctx as Omit<RequestContext, 'principal'>;
    if (deps.publicPaths?.has(req.baseUrl + req.path)) {
      next();
      return;
    }
    const credential = readCredential(req);
    const deny = async (reason: string, keyId: string | undefined, record?: ApiKeyRecord, user?: { id: string; tenantId: string }): Promise<void> => {
      await deps.audit.record({
        tenantId: record?.tenantId ?? user?.tenantId ?? null,
        actorType: user ? 'user' : keyId ? 'api-key' : 'anonymous',
        actorId: user?.id ?? keyId ?? 'anonymous',
        action: 'auth.denied',
        targetType: 'request',
        target: `${req.method} ${req.path}`,
        outcome: 'denied',
        status: 401,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: { reason },
      });
      const detail =
        credential.kind === 'none'
          ? 'authentication required: send Authorization: Bearer bax-… (or a user access token) or signed X-Bella-* headers'
          : credential.kind === 'jwt'
            ? 'invalid or expired access token'
            : 'invalid, disabled or expired API key, or bad request signature';
      next(new KeygateError('UNAUTHENTICATED', detail));
    };

    if (credential.kind === 'none') return deny('no credentials', undefined);
    if (credential.kind === 'malformed') return deny(credential.reason, credential.keyId);
    if (credential.kind === 'jwt') {
      if (!deps.users) return deny('access tokens are not accepted', undefined);
      const verified = await deps.users.tokens.verify(credential.token);
      if (!verified.ok) return deny(verified.reason, undefined);
      const user = await deps.users.store.lookup(verified.claims.userId);
      if (!user || user.tenantId !== verified.claims.tenantId) return deny('user no longer exists', undefined);
      const who = { id: user.id, tenantId: user.tenantId };
      if (user.disabled) return deny('user disabled', undefined, undefined, who);
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
    if (!record.enabled) return deny('key disabled', credential.keyId, record);
    if (record.expiresAt && record.expiresAt.getTime() <= now()) return deny('key expired', credential.keyId, record);
    let role = record.role;
    if (record.scope === 'personal') {
      // A personal key acts as its user, with the user's role now (a demotion applies at once).
      const user = record.userId === null ? undefined : await deps.users?.store.lookup(record.userId);
      if (!user || user.tenantId !== record.tenantId) return deny('personal key of a user who no longer exists', credential.keyId, record);
      if (user.disabled) return deny('personal key of a disabled user', credential.keyId, record);
      role = user.tenantRole;
    }
    // Last, so that only a request that is otherwise accepted uses up its signature.
    if (credential.kind === 'signed' && deps.replay && !(await deps.replay.firstUse(credential.keyId, credential.signature, Date.parse(credential.timestamp)))) {
      return deny('replayed signature', credential.keyId, record);
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
    };
    res.locals.ctx = { ...ctx, principal } satisfies RequestContext;
    next();
  };
}
