import { createRotationServer } from './http-server.js';
import { revokeSecret, rotateSecret } from './rotate-secret.js';
import { createRotationHandler, settingsFromEnv } from './rotation-handler.js';

// Settings come from the environment (Cloud Run maps Secret Manager secrets onto variables);
// a missing signing secret stops the container at start, which Cloud Run reports as a failed revision.
const handle = createRotationHandler({
  ...settingsFromEnv(),
  rotateSecret,
  revokeSecret,
  // Replace with a shared store when the service may run more than one instance: see the README.
  // idempotencyStore: new FirestoreIdempotencyStore(...),
});

const port = Number(process.env.PORT ?? 8080);
const server = createRotationServer(handle);
server.listen(port, () => console.log(`rotation function listening on port ${port}`));

// Cloud Run sends SIGTERM before stopping an instance: finish the calls in progress first.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Idle keep-alive connections would otherwise hold the close open until they time out.
  server.closeIdleConnections();
});
