import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { isKeygateError, type SqlClient } from '@keygate/core';
import { createTestDatabase } from '@keygate/test';
import { createSqlClient, preparingPool } from './sql-client.js';

let drop: () => Promise<void>;
let pool: pg.Pool;
let sql: SqlClient;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  sql = createSqlClient(pool);
});

afterAll(async () => {
  await pool.end();
  await drop();
});

beforeEach(async () => {
  await sql.query('DROP TABLE IF EXISTS items; CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, data jsonb, n bigint)');
});

async function names(): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>('SELECT name FROM items ORDER BY id');
  return rows.map((row) => row.name);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createSqlClient', () => {
  it('runs parameterised queries and reports row counts', async () => {
    const insert = await sql.query('INSERT INTO items (id, name, data, n) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', [
      1,
      'one',
      JSON.stringify({ a: 1 }),
      '9007199254740993',
      2,
      'two',
      null,
      null,
    ]);
    expect(insert.rowCount).toBe(2);
    // Read bigint as text: how the driver parses int8 is a process-wide pg setting, not ours.
    const { rows, rowCount } = await sql.query<{ id: number; name: string; data: unknown; n: string | null }>(
      'SELECT id, name, data, n::text AS n FROM items WHERE id >= $1 ORDER BY id',
      [1],
    );
    expect(rowCount).toBe(2);
    expect(rows).toEqual([
      { id: 1, name: 'one', data: { a: 1 }, n: '9007199254740993' },
      { id: 2, name: 'two', data: null, n: null },
    ]);
    expect((await sql.query('UPDATE items SET name = $1 WHERE id = $2', ['uno', 1])).rowCount).toBe(1);
  });

  it('never interpolates parameters into the SQL text', async () => {
    const hostile = "x'); DROP TABLE items; --";
    await sql.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, hostile]);
    expect(await names()).toEqual([hostile]);
  });

  it('answers a parameterless script with the result of its last statement', async () => {
    const result = await sql.query<{ n: number }>("INSERT INTO items (id, name) VALUES (1, 'a'); SELECT count(*)::int AS n FROM items");
    expect(result.rows).toEqual([{ n: 1 }]);
  });

  it('prepares a parameterised statement once per connection and reuses it', async () => {
    const text = 'SELECT name FROM items WHERE id = $1 AND $2::text IS NOT NULL';
    await sql.query('INSERT INTO items (id, name) VALUES (1, $1)', ['one']);
    for (let i = 0; i < 3; i++) expect((await sql.query<{ name: string }>(text, [1, `run ${i}`])).rows).toEqual([{ name: 'one' }]);
    const { rows } = await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_prepared_statements WHERE statement = $1", [text]);
    // Visible only on the connection that ran it; each connection prepared it at most once.
    expect(Number(rows[0]!.n)).toBeLessThanOrEqual(1);
    const client = await pool.connect();
    try {
      const viaPool = createSqlClient({ query: client.query.bind(client) } as unknown as pg.Pool);
      await viaPool.query(text, [1, 'x']);
      await viaPool.query(text, [1, 'y']);
      const prepared = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_prepared_statements WHERE statement = $1', [text]);
      expect(prepared.rows[0]!.n).toBe('1');
    } finally {
      client.release();
    }
  });

  it('runs a statement again unnamed when a table changed shape under its prepared plan', async () => {
    const client = await pool.connect();
    try {
      const one = createSqlClient({ query: client.query.bind(client), connect: () => Promise.resolve(client) } as unknown as pg.Pool);
      await one.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'one']);
      const text = 'SELECT * FROM items WHERE id = $1';
      expect((await one.query<{ name: string }>(text, [1])).rows[0]).toMatchObject({ name: 'one' });
      await one.query('ALTER TABLE items ADD COLUMN extra text DEFAULT $$x$$');
      expect((await one.query<{ name: string; extra: string }>(text, [1])).rows[0]).toMatchObject({ name: 'one', extra: 'x' });
      expect((await one.query<{ name: string; extra: string }>(text, [1])).rows[0]).toMatchObject({ extra: 'x' });
    } finally {
      client.release();
    }
  });

  it('passes driver errors through with their SQLSTATE', async () => {
    await sql.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
    const error = await rejection(sql.query('INSERT INTO items (id, name) VALUES (1, $1)', ['b']));
    expect((error as { code?: unknown }).code).toBe('23505');
  });

  describe('transaction', () => {
    it('commits when the work resolves, and returns its result', async () => {
      const result = await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
        await tx.query('INSERT INTO items (id, name) VALUES (2, $1)', ['b']);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await names()).toEqual(['a', 'b']);
    });

    it('rolls back when the work rejects, and rethrows the same error', async () => {
      const failure = new Error('changed my mind');
      const error = await rejection(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
          throw failure;
        }),
      );
      expect(error).toBe(failure);
      expect(await names()).toEqual([]);
    });

    it('rolls back when a statement fails', async () => {
      const error = await rejection(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
          await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['duplicate']);
        }),
      );
      expect((error as { code?: unknown }).code).toBe('23505');
      expect(await names()).toEqual([]);
    });

    it('runs every statement on one dedicated connection, invisible to others until commit', async () => {
      await sql.transaction(async (tx) => {
        const first = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
        const second = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        expect(second.rows[0]?.pid).toBe(first.rows[0]?.pid);
        expect(await names()).toEqual([]);
        expect((await tx.query('SELECT name FROM items')).rowCount).toBe(1);
      });
      expect(await names()).toEqual(['a']);
    });

    it('refuses to commit a transaction whose failed statement was swallowed', async () => {
      const error = await rejection(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['a']);
          await tx.query('SELECT 1 / 0').catch(() => undefined);
        }),
      );
      expect(isKeygateError(error) && error.code).toBe('INTERNAL');
      expect(await names()).toEqual([]);
    });

    it('refuses use of a transaction client after the transaction ended', async () => {
      let leaked: SqlClient | undefined;
      await sql.transaction(async (tx) => {
        leaked = tx;
      });
      const afterwards = leaked!;
      const queryError = await rejection(afterwards.query('SELECT 1'));
      expect(isKeygateError(queryError) && queryError.code).toBe('INTERNAL');
      const nestedError = await rejection(afterwards.transaction(async () => undefined));
      expect(isKeygateError(nestedError) && nestedError.code).toBe('INTERNAL');
    });

    it('returns connections to the pool whatever happens', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 24 }, (_, i) =>
          sql.transaction(async (tx) => {
            await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [i, `item-${i}`]);
            if (i % 3 === 0) throw new Error(`fail ${i}`);
            if (i % 3 === 1) await tx.query('SELECT 1 / 0');
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(8);
      expect(await names()).toHaveLength(8);
      expect(pool.totalCount).toBeLessThanOrEqual(4);
      expect(pool.idleCount).toBe(pool.totalCount);
      expect(pool.waitingCount).toBe(0);
    });

    it('serialises conflicting writers with row locks', async () => {
      await sql.query('INSERT INTO items (id, name, n) VALUES (1, $1, 0)', ['counter']);
      await Promise.all(
        Array.from({ length: 12 }, () =>
          sql.transaction(async (tx) => {
            const { rows } = await tx.query<{ n: string }>('SELECT n::text AS n FROM items WHERE id = 1 FOR UPDATE');
            await tx.query('UPDATE items SET n = $1 WHERE id = 1', [Number(rows[0]?.n) + 1]);
          }),
        ),
      );
      const { rows } = await sql.query<{ n: string }>('SELECT n::text AS n FROM items WHERE id = 1');
      expect(rows[0]?.n).toBe('12');
    });
  });

  describe('nested transaction (savepoints)', () => {
    it('commits inner work with the outer transaction', async () => {
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['outer']);
        await tx.transaction(async (inner) => {
          await inner.query('INSERT INTO items (id, name) VALUES (2, $1)', ['inner']);
        });
      });
      expect(await names()).toEqual(['outer', 'inner']);
    });

    it('rolls back only the inner work when it fails, and the outer transaction carries on', async () => {
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['outer']);
        const error = await rejection(
          tx.transaction(async (inner) => {
            await inner.query('INSERT INTO items (id, name) VALUES (2, $1)', ['inner']);
            await inner.query('INSERT INTO items (id, name) VALUES (1, $1)', ['duplicate']);
          }),
        );
        expect((error as { code?: unknown }).code).toBe('23505');
        await tx.query('INSERT INTO items (id, name) VALUES (3, $1)', ['after']);
      });
      expect(await names()).toEqual(['outer', 'after']);
    });

    it('undoes committed inner work when the outer transaction fails', async () => {
      await rejection(
        sql.transaction(async (tx) => {
          await tx.transaction(async (inner) => {
            await inner.query('INSERT INTO items (id, name) VALUES (1, $1)', ['inner']);
          });
          throw new Error('outer fails');
        }),
      );
      expect(await names()).toEqual([]);
    });

    it('nests several levels deep', async () => {
      await sql.transaction(async (tx) => {
        await tx.transaction(async (level1) => {
          await level1.query('INSERT INTO items (id, name) VALUES (1, $1)', ['level1']);
          await rejection(
            level1.transaction(async (level2) => {
              await level2.query('INSERT INTO items (id, name) VALUES (2, $1)', ['level2']);
              throw new Error('level 2 fails');
            }),
          );
          await level1.transaction(async (level2) => {
            await level2.query('INSERT INTO items (id, name) VALUES (3, $1)', ['level2-again']);
          });
        });
      });
      expect(await names()).toEqual(['level1', 'level2-again']);
    });

    it('takes concurrent sibling savepoints in turn', async () => {
      await sql.transaction(async (tx) => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            tx.transaction(async (inner) => {
              await inner.query('INSERT INTO items (id, name) VALUES ($1, $2)', [i, `sibling-${i}`]);
              await new Promise((resolve) => setTimeout(resolve, 5));
              if (i % 2 === 1) throw new Error(`sibling ${i} fails`);
            }),
          ),
        );
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      });
      expect(await names()).toEqual(['sibling-0', 'sibling-2', 'sibling-4']);
    });

    it('refuses to release a savepoint whose failed statement was swallowed, keeping the outer work', async () => {
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES (1, $1)', ['outer']);
        await rejection(
          tx.transaction(async (inner) => {
            await inner.query('INSERT INTO items (id, name) VALUES (2, $1)', ['inner']);
            await inner.query('SELECT 1 / 0').catch(() => undefined);
          }),
        );
      });
      expect(await names()).toEqual(['outer']);
    });
  });
});

describe('preparingPool', () => {
  it("runs a library's parameterised statements prepared, and passes everything else through", async () => {
    const text = 'SELECT name FROM items WHERE id = $1 AND $2::text IS NOT NULL';
    await sql.query('INSERT INTO items (id, name) VALUES (1, $1)', ['one']);
    const client = await pool.connect();
    try {
      const library = preparingPool({ query: client.query.bind(client), connect: () => Promise.resolve(client) } as unknown as pg.Pool);
      for (const run of ['a', 'b']) expect((await library.query<{ name: string }>(text, [1, run])).rows).toEqual([{ name: 'one' }]);
      const prepared = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_prepared_statements WHERE statement = $1', [text]);
      expect(prepared.rows[0]!.n).toBe('1');
      // Without parameters (a script, say) the text runs as sent; other members are the pool's own.
      expect((await library.query<{ n: number }>('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
      expect(await library.connect()).toBe(client);
    } finally {
      client.release();
    }
  });
});
