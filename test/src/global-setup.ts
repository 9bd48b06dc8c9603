import type { TestProject } from 'vitest/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// By path: global setup is loaded before the `source` export condition applies to packages.
import { startEmbeddedPostgres } from '../../host/src/db/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on which tests may CREATE DATABASE. */
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run: `DATABASE_URL` when given (e.g. the machine's PostgreSQL 15),
 * otherwise an embedded cluster in a temporary folder. Each test file makes its own database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide('adminDatabaseUrl', given);
    return async () => undefined;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-test-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true, fast: true });
  project.provide('adminDatabaseUrl', postgres.url);
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
