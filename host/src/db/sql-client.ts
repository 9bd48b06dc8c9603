import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { KeygateError, type SqlClient, type SqlResult } from '@keygate/core';

/**
 * core's {@link SqlClient} over a node-postgres pool: what plugins (e.g. provider-local) get as
 * `services.sql`.
 *
 * - `query` borrows any pooled connection for one statement.
 * - `transaction` pins one connection for the whole unit of work (BEGIN … COMMIT / ROLLBACK);
 *   `tx.transaction` inside it opens a SAVEPOINT, so a failing inner unit rolls back alone and the
 *   outer one may carry on.
 * - Driver errors are passed through unchanged (with their SQLSTATE in `code`).
 */
export function createSqlClient(pool: Pool): SqlClient {
  return new PoolSqlClient(pool);
}

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Parameterised statements get a name, so that each connection parses and plans them only once. */
const MAX_NAMED_STATEMENTS = 500;
const statementNames = new Map<string, string | null>();

/**
 * The statement's name (one per distinct text, on every connection alike), or undefined when it
 * runs unnamed: the first {@link MAX_NAMED_STATEMENTS} texts are named, which covers a plugin's
 * fixed statements and keeps one that builds its SQL text per call from filling the server.
 */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = statementNames.size < MAX_NAMED_STATEMENTS ? `keygate_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}` : null;
    statementNames.set(sql, name);
  }
  return name ?? undefined;
}

/** PostgreSQL refuses to run a prepared statement whose result columns a later DDL changed. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

/**
 * `inTransaction`: a failed statement has aborted the transaction, so a statement whose plan went
 * stale is not retried there (the caller's unit of work fails as it would have); outside one it is.
 */
async function execute(target: Queryable, sql: string, params: readonly unknown[] | undefined, inTransaction: boolean): Promise<QueryResult | QueryResult[]> {
  // Without parameters pg uses the simple protocol, which runs several `;`-separated statements and
  // answers with one result each (e.g. a DDL script).
  const name = params === undefined ? undefined : statementName(sql);
  if (name === undefined) return (await target.query(sql, params === undefined ? undefined : [...params])) as QueryResult | QueryResult[];
  try {
    return await target.query({ name, text: sql, values: [...params!] });
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    // The table changed shape under a prepared statement: from now on this text runs unnamed.
    statementNames.set(sql, null);
    if (inTransaction) throw error;
    return target.query(sql, [...params!]);
  }
}

async function run<Row>(target: Queryable, sql: string, params: readonly unknown[] | undefined, inTransaction: boolean): Promise<SqlResult<Row>> {
  const raw = await execute(target, sql, params, inTransaction);
  // Of several statements, the last one's result is what the caller is after.
  const result = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (result === undefined) return { rows: [], rowCount: 0 };
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
}

/**
 * The pool as a library written for a `pg.Pool` sees it, except that its parameterised
 * statements run named, as {@link createSqlClient}'s do: for Agenda, whose few fixed statements
 * per job (lock, save twice, remove) were otherwise parsed and planned every time.
 */
export function preparingPool(pool: Pool): Pool {
  const query = (text: unknown, values?: unknown): Promise<unknown> =>
    typeof text === 'string' && Array.isArray(values) ? execute(pool, text, values, false) : (pool.query as (t: unknown, v?: unknown) => Promise<unknown>)(text, values);
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

class PoolSqlClient implements SqlClient {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<Row>> {
    return run<Row>(this.#pool, sql, params, false);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const connection = await this.#pool.connect();
    // A connection whose BEGIN, COMMIT or ROLLBACK failed is in an unknown state: destroy it
    // rather than hand it to the next borrower.
    let broken: Error | undefined;
    const tx = new TransactionSqlClient(connection);
    try {
      try {
        await connection.query('BEGIN');
      } catch (error) {
        broken = asError(error);
        throw error;
      }
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        broken = await rollback(connection, 'ROLLBACK');
        throw error;
      }
      let commit: QueryResult;
      try {
        commit = await connection.query('COMMIT');
      } catch (error) {
        broken = await rollback(connection, 'ROLLBACK');
        throw error;
      }
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error: this happens
      // when `work` swallowed a statement's error. Reporting success would lose the writes silently.
      if (commit.command === 'ROLLBACK') {
        throw new KeygateError('INTERNAL', 'transaction rolled back: a statement in it failed and the error was caught inside the transaction');
      }
      return result;
    } finally {
      tx.finish();
      connection.release(broken);
    }
  }
}

/** Runs a clean-up statement; returns its error instead of throwing, so the original error wins. */
async function rollback(connection: PoolClient, statement: string): Promise<Error | undefined> {
  try {
    await connection.query(statement);
    return undefined;
  } catch (error) {
    return asError(error);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

let savepointCounter = 0;

/** The view of one open transaction (or savepoint) handed to `work`. */
class TransactionSqlClient implements SqlClient {
  readonly #connection: PoolClient;
  #finished = false;
  // Savepoints on one connection must nest, not interleave: sibling `transaction()` calls made
  // concurrently (e.g. under Promise.all) take turns. Calling the *outer* client's transaction()
  // from inside an inner one would wait for itself; use the inner client you were given.
  #turn: Promise<unknown> = Promise.resolve();

  constructor(connection: PoolClient) {
    this.#connection = connection;
  }

  /** After the unit of work ends the connection goes back to the pool: any later use is a bug. */
  finish(): void {
    this.#finished = true;
  }

  #assertOpen(): void {
    if (this.#finished) throw new KeygateError('INTERNAL', 'this transaction has already finished; use the client only inside its callback');
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<Row>> {
    this.#assertOpen();
    return run<Row>(this.#connection, sql, params, true);
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const next = this.#turn.then(() => this.#savepoint(work));
    this.#turn = next.catch(() => undefined);
    return next;
  }

  async #savepoint<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const name = `keygate_sp_${++savepointCounter}`;
    const inner = new TransactionSqlClient(this.#connection);
    await this.#connection.query(`SAVEPOINT ${name}`);
    try {
      const result = await work(inner);
      await this.#connection.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      // Undo the inner work only, leaving the outer transaction usable. If even this fails, the
      // outer transaction is aborted and its own ROLLBACK will clean up.
      await rollback(this.#connection, `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      throw error;
    } finally {
      inner.finish();
    }
  }
}
