import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';

type SecretHandlers = Pick<HandlerTable, 'getEnvironmentSecrets' | 'getEnvironmentSecretsVersion' | 'listProviderSecrets' | 'createSecret' | 'getSecret' | 'updateSecret' | 'deleteSecret'>;

export function secretHandlers(s: HostServices): SecretHandlers {
  return {
    getEnvironmentSecrets: async ({ params, ctx }) => ({ status: 200, body: await s.secrets.readAll(ctx, params.projectRef, params.envSlug) }),
    getEnvironmentSecretsVersion: async ({ params, ctx }) => ({ status: 200, body: await s.secrets.version(ctx, params.projectRef, params.envSlug) }),
    listProviderSecrets: async ({ params, ctx }) => ({
      status: 200,
      body: { items: await s.secrets.list(ctx, params.projectRef, params.envSlug, params.providerRef) },
    }),
    createSecret: async ({ params, body, ctx }) => ({
      status: 201,
      body: await s.secrets.create(ctx, params.projectRef, params.envSlug, params.providerRef, body.key, body),
    }),
    getSecret: async ({ params, query, ctx }) => ({
      status: 200,
      body: await s.secrets.get(ctx, params.projectRef, params.envSlug, params.providerRef, params.key, query.version),
    }),
    updateSecret: async ({ params, body, ctx }) => ({
      status: 200,
      body: await s.secrets.put(ctx, params.projectRef, params.envSlug, params.providerRef, params.key, body),
    }),
    deleteSecret: async ({ params, ctx }) => {
      await s.secrets.delete(ctx, params.projectRef, params.envSlug, params.providerRef, params.key);
      return { status: 204, body: undefined };
    },
  };
}
