import { app } from '@azure/functions';
import { createAzureHandler } from '../azure-adapter.js';
import { revokeSecret, rotateSecret } from '../rotate-secret.js';
import { createRotationHandler, settingsFromEnv } from '../rotation-handler.js';

/**
 * Registers `POST /api/rotate`. The function is anonymous at the platform level because every call
 * is authenticated by its signature; to add Azure's own key check as well, set authLevel to
 * 'function' and give the policy `apiKeyHeader: x-functions-key` with the function key as `apiKey`.
 */
app.http('rotate', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'rotate',
  handler: createAzureHandler(
    createRotationHandler({
      // App settings, e.g. a Key Vault reference: see the README.
      ...settingsFromEnv(),
      rotateSecret,
      revokeSecret,
      // Replace with a shared store when the app may scale out: see the README.
      // idempotencyStore: new TableIdempotencyStore(...),
    }),
  ),
});
