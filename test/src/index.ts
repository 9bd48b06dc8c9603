import pg from 'pg';
import type { SqlClient } from '@keygate/core';
import { createSqlClient } from '@keygate/host';
import { createTestDatabase } from './database.js';

export { createTestDatabase } from './database.js';

export interface TestSqlClient {
  sql: SqlClient;
  /** URL of the private database. */
  url: string;
  /** Another pool on the same database, as a second host replica would have; closed by {@link close}. */
  replica(): SqlClient;
  /** Closes every pool and drops the database. */
  close(): Promise<void>;
}

/** A private database on the run's PostgreSQL behind core's SqlClient, as the host hands it to plugins. */
export async function createTestSqlClient(options: { max?: number } = {}): Promise<TestSqlClient> {
  const database = await createTestDatabase();
  const pools: pg.Pool[] = [];
  const open = (): SqlClient => {
    const pool = new pg.Pool({ connectionString: database.url, max: options.max ?? 10 });
    pools.push(pool);
    return createSqlClient(pool);
  };
  return {
    sql: open(),
    url: database.url,
    replica: open,
    close: async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      await database.drop();
    },
  };
}
