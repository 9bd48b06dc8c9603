import { KeygateError, NotFoundError } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import { environmentById, type EnvironmentIds } from '../environments/environment-by-id.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import type { TrustDomainRecord } from './trust-domains-store.js';

type IdentityHandlers = Pick<
  HandlerTable,
  'listTrustDomains' | 'createTrustDomain' | 'getTrustDomain' | 'updateTrustDomain' | 'deleteTrustDomain' | 'evaluateTrustDomains' | 'exchangeOidcToken' | 'exchangeTrustToken'
>;
type TrustDomain = components['schemas']['TrustDomain'];


function toApi(domain: TrustDomainRecord): TrustDomain {
  return {
    id: domain.id,
    environmentId: domain.environmentId,
    name: domain.name,
    description: domain.description,
    provider: domain.provider,
    issuer: domain.issuer,
    audience: domain.audience,
    claimRules: domain.claimRules,
    settings: domain.settings,
    grantedRole: domain.grantedRole,
    issuedTokenTtlMinutes: domain.issuedTokenTtlMinutes,
    createdAt: new Date(domain.createdAt).toISOString(),
    updatedAt: new Date(domain.updatedAt).toISOString(),
  };
}

function domainNotFound(id: string): NotFoundError {
  return new NotFoundError(`trust domain "${id}" not found`);
}

/** Trust domains (management, evaluation) and the keyless token exchanges. */
export function identityHandlers(s: HostServices): IdentityHandlers {
  const where = (env: EnvironmentIds) => ({ projectId: env.projectId, environmentId: env.id });
  return {
    listTrustDomains: async ({ params, query, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.read');
      const { limit, offset } = page(query);
      const { items, total } = await s.identity.domains.list(ctx.principal.tenantId, env.id, limit, offset);
      return { status: 200, body: { items: items.map(toApi), total, limit, offset } };
    },
    createTrustDomain: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      const fields = s.identity.inputs.resolve(body);
      const domain = await s.identity.domains.create(ctx.principal.tenantId, env.id, fields).catch(conflictOnName(body.name));
      await recordAction(s.audit, ctx, 'trustDomain.create', 'trust-domain', domain.id, 201, { name: domain.name, provider: domain.provider, issuer: domain.issuer, grantedRole: domain.grantedRole }, where(env));
      return { status: 201, body: toApi(domain) };
    },
    getTrustDomain: async ({ params, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.read');
      const domain = await s.identity.domains.find(ctx.principal.tenantId, env.id, params.id);
      if (!domain) throw domainNotFound(params.id);
      return { status: 200, body: toApi(domain) };
    },
    updateTrustDomain: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      const fields = s.identity.inputs.resolve(body);
      const domain = await s.identity.domains.update(ctx.principal.tenantId, env.id, params.id, fields).catch(conflictOnName(body.name));
      if (!domain) throw domainNotFound(params.id);
      await recordAction(s.audit, ctx, 'trustDomain.update', 'trust-domain', domain.id, 200, { name: domain.name, provider: domain.provider, issuer: domain.issuer, grantedRole: domain.grantedRole }, where(env));
      return { status: 200, body: toApi(domain) };
    },
    deleteTrustDomain: async ({ params, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.write');
      const domain = await s.identity.domains.delete(ctx.principal.tenantId, env.id, params.id);
      if (!domain) throw domainNotFound(params.id);
      await recordAction(s.audit, ctx, 'trustDomain.delete', 'trust-domain', domain.id, 204, { name: domain.name, revokedKeys: domain.revokedKeys }, where(env));
      return { status: 204, body: undefined };
    },
    evaluateTrustDomains: async ({ params, body, ctx }) => {
      const env = await environmentById(s, ctx, params.environmentId, 'apiKeys.read');
      const evaluation = await s.identity.evaluate(ctx.principal.tenantId, env.id, body.token);
      await recordAction(s.audit, ctx, 'trustDomain.evaluate', 'environment', env.id, 200, { accepted: evaluation.accepted, trustDomainId: evaluation.trustDomainId, replayed: evaluation.replayed }, where(env));
      return { status: 200, body: evaluation };
    },
    exchangeOidcToken: async ({ body, ctx }) => {
      const result = await s.identity.exchange(
        {
          token: body.oidcToken,
          ...(body.tenantSlug === undefined ? {} : { tenantSlug: body.tenantSlug }),
          ...(body.projectSlug === undefined ? {} : { projectSlug: body.projectSlug }),
          ...(body.environmentSlug === undefined ? {} : { environmentSlug: body.environmentSlug }),
        },
        ctx,
      );
      return { status: 200, body: { token: result.apiKey, expiresAt: result.expiresAt } };
    },
    exchangeTrustToken: async ({ body, ctx }) => {
      const result = await s.identity.exchange(
        {
          token: body.token,
          provider: body.provider,
          ...(body.tenantSlug === undefined ? {} : { tenantSlug: body.tenantSlug }),
          ...(body.projectSlug === undefined ? {} : { projectSlug: body.projectSlug }),
          ...(body.environmentSlug === undefined ? {} : { environmentSlug: body.environmentSlug }),
        },
        ctx,
      );
      return { status: 200, body: result };
    },
  };
}

/** A second domain of the same name in the environment is a 409, not a 500. */
function conflictOnName(name: string) {
  return (error: unknown): never => {
    if ((error as { code?: unknown }).code === '23505') throw new KeygateError('CONFLICT', `a trust domain named "${name}" already exists in this environment`);
    throw error;
  };
}
