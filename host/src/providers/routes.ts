import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import { authorize } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import { secretPaths } from '../validation/json-schema.js';

type ProviderHandlers = Pick<HandlerTable, 'listProviders' | 'createProvider' | 'getProviderCatalog' | 'getProvider' | 'updateProvider' | 'deleteProvider' | 'testProvider'>;

export function providerHandlers(s: HostServices): ProviderHandlers {
  return {
    listProviders: async ({ query, ctx }) => {
      authorize(ctx.principal, 'providers.read', {}, 'providers');
      const { limit, offset } = page(query);
      const { rows, total } = await s.providers.list(ctx.principal.tenantId, limit, offset);
      return { status: 200, body: { items: rows.map((r) => s.providers.toApi(r)), total, limit, offset } };
    },
    createProvider: async ({ body, ctx }) => {
      authorize(ctx.principal, 'providers.write', {}, 'providers');
      const row = await s.providers.create(ctx.principal.tenantId, body);
      await recordAction(s.audit, ctx, 'provider.create', 'provider', row.slug, 201, { type: row.type });
      return { status: 201, body: s.providers.toApi(row) };
    },
    getProviderCatalog: async ({ ctx }) => {
      authorize(ctx.principal, 'providers.read', {}, 'providers');
      const types = s.plugins.providerCatalog().map((entry) => ({
        type: entry.type.type,
        displayName: entry.type.displayName,
        description: entry.type.description,
        plugin: entry.plugin,
        configSchema: entry.type.configSchema as Record<string, unknown>,
        secretFields: secretPaths(entry.type.configSchema),
      }));
      return { status: 200, body: { types } };
    },
    getProvider: async ({ params, ctx }) => {
      authorize(ctx.principal, 'providers.read', {}, `provider "${params.providerRef}"`);
      return { status: 200, body: s.providers.toApi(await s.providers.find(ctx.principal.tenantId, params.providerRef)) };
    },
    updateProvider: async ({ params, body, ctx }) => {
      authorize(ctx.principal, 'providers.write', {}, `provider "${params.providerRef}"`);
      const row = await s.providers.update(ctx.principal.tenantId, params.providerRef, body);
      await recordAction(s.audit, ctx, 'provider.update', 'provider', row.slug, 200, { configurationChanged: body.configuration !== undefined });
      return { status: 200, body: s.providers.toApi(row) };
    },
    deleteProvider: async ({ params, ctx }) => {
      authorize(ctx.principal, 'providers.write', {}, `provider "${params.providerRef}"`);
      const row = await s.providers.delete(ctx.principal.tenantId, params.providerRef);
      await recordAction(s.audit, ctx, 'provider.delete', 'provider', row.slug, 204);
      return { status: 204, body: undefined };
    },
    testProvider: async ({ params, ctx }) => {
      authorize(ctx.principal, 'providers.write', {}, `provider "${params.providerRef}"`);
      const row = await s.providers.find(ctx.principal.tenantId, params.providerRef);
      const result = await s.providers.test(row);
      await recordAction(s.audit, ctx, 'provider.test', 'provider', row.slug, 200, { ok: result.ok, ...(result.code ? { code: result.code } : {}) });
      return { status: 200, body: result };
    },
  };
}
