import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

let dir: string | undefined;
let postgres: RunningPostgres | undefined;
afterAll(async () => {
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('is reached through a Unix socket in its cluster folder, and still over loopback TCP', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kg-pg-'));
    postgres = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, fast: true });
    const url = new URL(postgres.url);
    expect(url.searchParams.get('host')).toBe(join(dir, 'pgdata'));
    const viaSocket = new pg.Client({ connectionString: postgres.url });
    await viaSocket.connect();
    // A Unix-socket session has no client address.
    expect((await viaSocket.query<{ addr: string | null }>('SELECT host(inet_client_addr()) AS addr')).rows[0]!.addr).toBeNull();
    await viaSocket.end();
    url.search = '';
    const viaTcp = new pg.Client({ connectionString: url.toString() });
    await viaTcp.connect();
    expect((await viaTcp.query<{ addr: string | null }>('SELECT host(inet_client_addr()) AS addr')).rows[0]!.addr).toBe('127.0.0.1');
    await viaTcp.end();
  });
});
