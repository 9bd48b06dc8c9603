import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export interface Database {
  knex: Knex;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * One pg pool for the process. knex gets its own small pool for the ORM; plugins and the hot read
 * path use the raw pool through the core SqlClient.
 */
export function connectDatabase(url: string, poolMax: number): Database {
  const knex = knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    knex,
    pool,
    close: async () => {
      await Promise.allSettled([knex.destroy(), pool.end()]);
    },
  };
}
