import { GroupCommit } from './group-commit.js';
import type { SecretScope } from './contracts/provider.js';

/**
 * Reads of one key made together share one read of the backend: under load an environment read
 * costs the backend, and the gateway, a fraction of a read. A call is never answered by a read
 * that began before it did (a write that finished before the call must show): calls arriving while
 * a read is in flight wait for it to end and share the next one. Nothing is kept between reads.
 *
 * Every caller gets the same result object, so it must be treated as read-only (a provider's
 * `getAll` answer is a `ReadonlyMap`).
 */
export class SharedReads<T> {
  readonly #groups = new Map<string, GroupCommit<() => Promise<T>, T>>();
  readonly #maxKeys: number;

  /** `maxKeys`: keys remembered at once; past it the map starts afresh (reads in flight finish). */
  constructor(maxKeys = 1000) {
    this.#maxKeys = maxKeys;
  }

  /** `read` is what this call would do alone; a batch runs the read of its first call. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    let group = this.#groups.get(key);
    if (group === undefined) {
      if (this.#groups.size >= this.#maxKeys) this.#groups.clear();
      group = new GroupCommit<() => Promise<T>, T>(async (reads) => {
        const result = await reads[0]!();
        return reads.map(() => result);
      });
      this.#groups.set(key, group);
    }
    return group.add(read);
  }
}

/** A key naming one scope (tenant, project, environment) for {@link SharedReads}. */
export function scopeKey(scope: SecretScope): string {
  return JSON.stringify([scope.tenant, scope.project, scope.environment]);
}
