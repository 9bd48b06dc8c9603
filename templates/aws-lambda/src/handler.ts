import { createLambdaHandler } from './lambda-adapter.js';
import { revokeSecret, rotateSecret } from './rotate-secret.js';
import { createRotationHandler, settingsFromEnv } from './rotation-handler.js';

/**
 * The Lambda entry point: `dist/handler.handler`. Settings are read once per cold start, so a
 * missing signing secret fails the first invocation loudly instead of rejecting every call as forged.
 */
export const handler = createLambdaHandler(
  createRotationHandler({
    ...settingsFromEnv(),
    rotateSecret,
    revokeSecret,
    // Replace with a shared store when the function may run on several instances: see the README.
    // idempotencyStore: new DynamoDbIdempotencyStore(...),
  }),
);
