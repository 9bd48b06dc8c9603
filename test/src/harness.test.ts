import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from './database.js';

describe('test harness', () => {
  it('creates a private database on the run PostgreSQL', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('select 1 + 1 as n');
    await client.end();
    await db.drop();
    expect(rows[0]?.n).toBe(2);
  });
});
