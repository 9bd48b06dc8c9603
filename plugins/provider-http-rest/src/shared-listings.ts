import { GroupCommit } from '@keygate/core';

/**
 * Reads of one path made together share one upstream list call: under load an environment read
 * costs the upstream, and the gateway, a fraction of a call. A read is never answered by a call
 * sent before it began (a write that finished before the read must show): reads arriving while a
 * call is in flight wait for it to end and share the next one.
 */
export class SharedListings<T> {
  readonly #groups = new Map<string, GroupCommit<undefined, T>>();

  /** `maxPaths`: paths remembered at once; past it the map starts afresh (calls in flight finish). */
  constructor(
    private readonly list: (path: string) => Promise<T>,
    private readonly maxPaths = 1000,
  ) {}

  get(path: string): Promise<T> {
    let group = this.#groups.get(path);
    if (group === undefined) {
      if (this.#groups.size >= this.maxPaths) this.#groups.clear();
      group = new GroupCommit<undefined, T>(async (reads) => {
        const listing = await this.list(path);
        return reads.map(() => listing);
      });
      this.#groups.set(path, group);
    }
    return group.add(undefined);
  }
}
