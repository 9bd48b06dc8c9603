export { startEmbeddedPostgres, freePort, type EmbeddedPostgresOptions, type RunningPostgres } from './db/embedded-postgres.js';
