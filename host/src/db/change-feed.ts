import pg from 'pg';
import type { Logger } from '@keygate/core';

const CHANNEL = 'keygate_changes';

/**
 * Listens for the `keygate_changes` notifications of the change triggers and turns them into a
 * generation counter that caches compare against. While the listening connection is down the feed
 * is unhealthy and caches must read through; every reconnect starts a new generation.
 */
export class ChangeFeed {
  readonly #url: string;
  readonly #log: Logger;
  #client: pg.Client | undefined;
  #generation = 0;
  #healthy = false;
  #closed = false;
  #retryMs = 100;

  private constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  static async start(url: string, log: Logger): Promise<ChangeFeed> {
    const feed = new ChangeFeed(url, log);
    await feed.#connect();
    return feed;
  }

  get generation(): number {
    return this.#generation;
  }

  get healthy(): boolean {
    return this.#healthy;
  }

  /** Invalidates at once on this replica (read-your-writes before the notification arrives). */
  bump(): void {
    this.#generation++;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#healthy = false;
    await this.#client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', () => this.bump());
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#client = client;
    this.#generation++;
    this.#healthy = true;
    this.#retryMs = 100;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#healthy = false;
    this.#generation++;
    this.#log.warn('change feed connection lost; caches read through until it is back');
    const retry = () => {
      if (this.#closed) return;
      this.#connect().catch(() => {
        this.#retryMs = Math.min(this.#retryMs * 2, 5000);
        setTimeout(retry, this.#retryMs).unref();
      });
    };
    setTimeout(retry, this.#retryMs).unref();
  }
}

/** A read-through cache that is exact with respect to the change feed. */
export class CoherentCache<V> {
  readonly #feed: ChangeFeed;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { generation: number; value: V }>();

  constructor(feed: ChangeFeed, maxEntries = 10_000) {
    this.#feed = feed;
    this.#maxEntries = maxEntries;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (!this.#feed.healthy) return load();
    const generation = this.#feed.generation;
    const entry = this.#entries.get(key);
    if (entry && entry.generation === generation) return entry.value;
    const value = await load();
    // Stored only if nothing changed while loading; otherwise the value may already be stale.
    if (this.#feed.healthy && this.#feed.generation === generation) {
      if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
      this.#entries.set(key, { generation, value });
    }
    return value;
  }
}
