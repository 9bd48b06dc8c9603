import { KeygateError, NotFoundError } from '@keygate/core';
import { apiKeyPrefix } from '@keygate/core/wire';
import type { components } from '../generated/openapi.js';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import type { ApiKeyInfo } from '../auth/api-keys.js';
import { authorize } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { isUuid } from '../shared/refs.js';
import { page } from '../shared/paging.js';

type KeyHandlers = Pick<
  HandlerTable,
  | 'getCurrentKey'
  | 'listEnvironmentApiKeys'
  | 'createEnvironmentApiKey'
  | 'getEnvironmentApiKey'
  | 'updateEnvironmentApiKey'
  | 'deleteEnvironmentApiKey'
  | 'issueEnvironmentToken'
>;
type ApiKey = components['schemas']['ApiKey'];

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface KeyEnvironment {
  id: string;
  projectId: string;
}

/**
 * The environment `environmentId` names, if it is one of the caller's tenant and the caller may do
 * `action` on its keys; otherwise 404 (a caller must not learn that an environment exists).
 */
async function environmentFor(s: HostServices, ctx: RequestContext, environmentId: string, action: 'apiKeys.read' | 'apiKeys.write' | 'secrets.read'): Promise<KeyEnvironment> {
  const what = `environment "${environmentId}"`;
  const row = isUuid(environmentId)
    ? await s.knex('environments').where({ id: environmentId, tenant_id: ctx.principal.tenantId }).first<{ id: string; project_id: string } | undefined>('id', 'project_id')
    : undefined;
  if (!row) throw new NotFoundError(`${what} not found`);
  authorize(ctx.principal, action, { projectId: row.project_id, environmentId: row.id }, what);
  return { id: row.id, projectId: row.project_id };
}

function toApi(key: ApiKeyInfo): ApiKey {
  return {
    id: key.id,
    keyPrefix: apiKeyPrefix(key.keyId),
    clientName: key.clientName,
    description: key.description,
    role: key.role,
    enabled: key.enabled,
    expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    createdAt: new Date(key.createdAt).toISOString(),
  };
}

function keyNotFound(id: string): NotFoundError {
  return new NotFoundError(`API key "${id}" not found`);
}

/** Environment API keys (DESIGN §5), short-lived scoped tokens and the calling key's own identity. */
export function keyHandlers(s: HostServices): KeyHandlers {
  return {
    getCurrentKey: async ({ ctx }) => {
      if (ctx.principal.actorType !== 'api-key') throw new NotFoundError('the caller is a user, not an API key');
      const identity = await s.keys.identity(ctx.principal.actorId);
      // Deleted between authentication and here.
      if (!identity) throw new KeygateError('UNAUTHENTICATED', 'the API key no longer exists');
      return { status: 200, body: identity };
    },
    listEnvironmentApiKeys: async ({ params, query, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'apiKeys.read');
      const { limit, offset } = page(query);
      const { items, total } = await s.keys.listForEnvironment(ctx.principal.tenantId, env.id, limit, offset);
      return { status: 200, body: { items: items.map(toApi), total, limit, offset } };
    },
    createEnvironmentApiKey: async ({ params, body, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'apiKeys.write');
      const role = body.role ?? 'Consumer';
      const created = await s.keys.create({
        tenantId: ctx.principal.tenantId,
        scope: 'environment',
        role,
        projectId: env.projectId,
        environmentId: env.id,
        ...(body.clientName === undefined ? {} : { clientName: body.clientName }),
        ...(body.description === undefined ? {} : { description: body.description }),
        expiresAt: body.expiresInDays === undefined ? null : new Date(Date.now() + body.expiresInDays * DAY_MS),
      });
      await recordAction(s.audit, ctx, 'apiKey.create', 'api-key', created.keyPrefix, 201, { environmentId: env.id, role, expiresAt: created.expiresAt?.toISOString() ?? null });
      return {
        status: 201,
        body: { id: created.id, apiKey: created.apiKey, keyPrefix: created.keyPrefix, expiresAt: created.expiresAt === null ? null : new Date(created.expiresAt).toISOString() },
      };
    },
    getEnvironmentApiKey: async ({ params, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'apiKeys.read');
      const key = await s.keys.findInEnvironment(ctx.principal.tenantId, env.id, params.id);
      if (!key) throw keyNotFound(params.id);
      return { status: 200, body: toApi(key) };
    },
    updateEnvironmentApiKey: async ({ params, body, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'apiKeys.write');
      const key = await s.keys.updateInEnvironment(ctx.principal.tenantId, env.id, params.id, body);
      if (!key) throw keyNotFound(params.id);
      await recordAction(s.audit, ctx, 'apiKey.update', 'api-key', apiKeyPrefix(key.keyId), 200, { environmentId: env.id, changed: Object.keys(body).sort() });
      return { status: 200, body: toApi(key) };
    },
    deleteEnvironmentApiKey: async ({ params, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'apiKeys.write');
      const keyId = await s.keys.deleteInEnvironment(ctx.principal.tenantId, env.id, params.id);
      if (keyId === undefined) throw keyNotFound(params.id);
      await recordAction(s.audit, ctx, 'apiKey.delete', 'api-key', apiKeyPrefix(keyId), 204, { environmentId: env.id });
      return { status: 204, body: undefined };
    },
    issueEnvironmentToken: async ({ params, body, ctx }) => {
      const env = await environmentFor(s, ctx, params.environmentId, 'secrets.read');
      // A token issuing tokens could widen its scopes or outlive itself.
      if (ctx.principal.scopes !== null) {
        throw new KeygateError('NOT_FOUND', `environment "${params.environmentId}" not found`, { extensions: { denied: 'tokens.issue' } });
      }
      const issuer = await s.keys.lookup(ctx.principal.actorId);
      let expiresAt = new Date(Date.now() + body.ttlMinutes * MINUTE_MS);
      if (issuer?.expiresAt && issuer.expiresAt < expiresAt) expiresAt = issuer.expiresAt;
      const scopes = [...new Set(body.scopes)];
      const created = await s.keys.create({
        tenantId: ctx.principal.tenantId,
        scope: 'environment',
        role: 'Consumer',
        projectId: env.projectId,
        environmentId: env.id,
        clientName: 'scoped-token',
        description: body.reason,
        expiresAt,
        scopes,
      });
      const issuedUntil = new Date(created.expiresAt ?? expiresAt).toISOString();
      await recordAction(
        s.audit,
        ctx,
        'token.issue',
        'api-key',
        created.keyPrefix,
        201,
        { environmentId: env.id, reason: body.reason, scopes, ttlMinutes: body.ttlMinutes, expiresAt: issuedUntil },
        { projectId: env.projectId, environmentId: env.id },
      );
      return { status: 201, body: { token: created.apiKey, expiresAt: issuedUntil, scopes } };
    },
  };
}
