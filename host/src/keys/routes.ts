import { KeygateError, NotFoundError } from '@keygate/core';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import { environmentById, type EnvironmentIds } from '../environments/environment-by-id.js';
import type { RequestContext } from '../http/request-context.js';
import type { ApiKeyFilter } from '../auth/api-keys.js';
import { keyManagement, keyToApi } from './key-management.js';
import { recordAction } from '../audit/record-action.js';

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

const MINUTE_MS = 60_000;


function envFilter(ctx: RequestContext, env: EnvironmentIds): ApiKeyFilter {
  return { tenantId: ctx.principal.tenantId, scope: 'environment', environmentId: env.id };
}

/** Environment API keys (DESIGN §5), short-lived scoped tokens and the calling key's own identity. */
export function keyHandlers(s: HostServices): KeyHandlers {
  const manage = keyManagement(s);
  return {
    getCurrentKey: async ({ ctx }) => {
      if (ctx.principal.actorType !== 'api-key') throw new NotFoundError('the caller is a user, not an API key');
      const identity = await s.keys.identity(ctx.principal.actorId);
      // Deleted between authentication and here.
      if (!identity) throw new KeygateError('UNAUTHENTICATED', 'the API key no longer exists');
      // A personal key's role is its user's current one, as authentication established it.
      return { status: 200, body: ctx.principal.scope === 'personal' ? { ...identity, role: ctx.principal.role } : identity };
    },
    listEnvironmentApiKeys: async ({ params, query, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.read');
      return { status: 200, body: await manage.list(envFilter(ctx, env), query) };
    },
    createEnvironmentApiKey: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      const key = { scope: 'environment' as const, role: body.role ?? 'Consumer', projectId: env.projectId, environmentId: env.id };
      return { status: 201, body: await manage.create(ctx, key, body, { details: { environmentId: env.id } }) };
    },
    getEnvironmentApiKey: async ({ params, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.read');
      return { status: 200, body: keyToApi(await manage.get(envFilter(ctx, env), params.id)) };
    },
    updateEnvironmentApiKey: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      return { status: 200, body: await manage.update(ctx, envFilter(ctx, env), params.id, body, { details: { environmentId: env.id } }) };
    },
    deleteEnvironmentApiKey: async ({ params, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      await manage.delete(ctx, envFilter(ctx, env), params.id, { details: { environmentId: env.id } });
      return { status: 204, body: undefined };
    },
    issueEnvironmentToken: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'secrets.read');
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
