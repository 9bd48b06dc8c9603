import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';

type RotationHandlers = Pick<
  HandlerTable,
  'getRotationPolicy' | 'putRotationPolicy' | 'deleteRotationPolicy' | 'rotateRotationSigningSecret' | 'rotateSecretNow' | 'listRotationPolicies'
>;

export function rotationHandlers(s: HostServices): RotationHandlers {
  return {
    getRotationPolicy: async ({ params, ctx }) => ({
      status: 200,
      body: await s.rotation.policies.get(ctx, params.projectRef, params.envSlug, params.providerRef, params.key),
    }),
    putRotationPolicy: async ({ params, body, ctx }) => {
      const { created, policy } = await s.rotation.policies.put(ctx, params.projectRef, params.envSlug, params.providerRef, params.key, body);
      return created ? { status: 201, body: policy } : { status: 200, body: policy };
    },
    deleteRotationPolicy: async ({ params, ctx }) => {
      await s.rotation.policies.delete(ctx, params.projectRef, params.envSlug, params.providerRef, params.key);
      return { status: 204, body: undefined };
    },
    rotateRotationSigningSecret: async ({ params, ctx }) => ({
      status: 200,
      body: await s.rotation.policies.rotateSigningSecret(ctx, params.projectRef, params.envSlug, params.providerRef, params.key),
    }),
    rotateSecretNow: async ({ params, ctx }) => ({
      status: 202,
      body: await s.rotation.policies.rotateNow(ctx, params.projectRef, params.envSlug, params.providerRef, params.key),
    }),
    listRotationPolicies: async ({ params, ctx }) => ({
      status: 200,
      body: { items: await s.rotation.policies.list(ctx, params.projectRef, params.envSlug) },
    }),
  };
}
