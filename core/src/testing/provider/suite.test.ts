import { Secret } from '../../secret.js';
import { NotFoundError, UnsupportedError, VersionConflictError } from '../../errors.js';
import type {
  GetOptions,
  ProviderCapabilities,
  PutOptions,
  PutResult,
  SecretMetadata,
  SecretProvider,
  SecretRef,
  SecretScope,
  SecretValue,
} from '../../contracts/provider.js';
import { describeSecretProviderConformance } from '../index.js';

interface Entry {
  versions: Map<string, string>;
  current: string | undefined;
  last: number;
  labels: Record<string, string>;
}

/**
 * The smallest provider that honours the contract, in memory. Running the suite against it with
 * every capability on and with every capability off exercises both halves of each gated case
 * (the Local provider only covers the "supported" half).
 */
class MemoryProvider implements SecretProvider {
  readonly capabilities: ProviderCapabilities;
  readonly #store = new Map<string, Entry>();

  constructor(supported: boolean) {
    this.capabilities = { versions: supported, compareAndSet: supported, labels: supported, binary: false, batchRead: true };
  }

  async getAll(scope: SecretScope): Promise<Map<string, Secret>> {
    const all = new Map<string, Secret>();
    for (const [id, entry] of this.#store) {
      const [tenant, project, environment, key] = JSON.parse(id) as string[];
      if (tenant === scope.tenant && project === scope.project && environment === scope.environment && entry.current !== undefined) {
        all.set(key!, new Secret(entry.versions.get(entry.current)!));
      }
    }
    return all;
  }

  async get(ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
    if (options.version !== undefined && !this.capabilities.versions) throw new UnsupportedError('no versions');
    const entry = this.#store.get(id(ref));
    const version = options.version ?? entry?.current;
    const value = version === undefined || entry?.current === undefined ? undefined : entry.versions.get(version);
    if (value === undefined || version === undefined) throw new NotFoundError(`${ref.key} not found`);
    return { key: ref.key, value: new Secret(value), ...(this.capabilities.versions ? { version } : {}) };
  }

  async put(ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
    if (options.ifVersion !== undefined && !this.capabilities.compareAndSet) throw new UnsupportedError('no compare-and-set');
    if (options.labels !== undefined && !this.capabilities.labels) throw new UnsupportedError('no labels');
    const entry = this.#store.get(id(ref)) ?? { versions: new Map<string, string>(), current: undefined, last: 0, labels: {} };
    if (options.ifVersion !== undefined && (entry.current ?? null) !== options.ifVersion) throw new VersionConflictError('stale');
    const version = String(++entry.last);
    if (!this.capabilities.versions) entry.versions.clear();
    entry.versions.set(version, value.reveal());
    entry.current = version;
    if (options.labels !== undefined) entry.labels = { ...options.labels };
    this.#store.set(id(ref), entry);
    return this.capabilities.versions ? { version } : {};
  }

  async delete(ref: SecretRef): Promise<void> {
    const entry = this.#store.get(id(ref));
    if (entry?.current === undefined) throw new NotFoundError(`${ref.key} not found`);
    entry.current = undefined;
    entry.versions.clear();
    entry.labels = {};
  }

  async listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    const all = await this.getAll(scope);
    return [...all.keys()].map((key) => {
      const entry = this.#store.get(id({ ...scope, key }))!;
      return { key, labels: { ...entry.labels }, ...(this.capabilities.versions ? { version: entry.current } : {}) };
    });
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {}
}

function id(ref: SecretRef): string {
  return JSON.stringify([ref.tenant, ref.project, ref.environment, ref.key]);
}

let counter = 0;
function freshScope(): SecretScope {
  counter += 1;
  return { tenant: `tenant-${counter}`, project: `project-${counter}`, environment: `env-${counter}` };
}

describeSecretProviderConformance('in-memory, every capability', {
  create: async () => ({ provider: new MemoryProvider(true), scope: freshScope() }),
});

describeSecretProviderConformance('in-memory, no optional capability', {
  create: async () => ({ provider: new MemoryProvider(false), scope: freshScope() }),
});

// One provider for every test, as against a real shared backend: only the scope is fresh. The
// fixture's cleanup checks that the suite deleted everything it wrote before handing over.
const shared = new MemoryProvider(true);
describeSecretProviderConformance(
  'in-memory, one shared instance, custom limits',
  {
    create: async () => {
      const scope = freshScope();
      const scopes = [scope, { ...scope, environment: `${scope.environment}-other` }, { ...scope, project: `${scope.project}-other` }];
      return {
        provider: shared,
        scope,
        cleanup: async () => {
          for (const each of scopes) {
            const left = await shared.getAll(each);
            if (left.size > 0) throw new Error(`the suite left ${[...left.keys()].join(', ')} behind in ${JSON.stringify(each)}`);
          }
        },
      };
    },
  },
  { maxValueBytes: 4096, concurrentWriters: 5 },
);
