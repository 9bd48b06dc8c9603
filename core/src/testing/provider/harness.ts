import { Secret } from '../../secret.js';
import type { ProviderCapabilities, PutOptions, PutResult, SecretProvider, SecretRef, SecretScope } from '../../contracts/provider.js';

/** One provider session and the scope it may use, made fresh for every test. */
export interface SecretProviderFixture {
  provider: SecretProvider;
  /**
   * An empty scope that no other test uses. The suite also writes to two siblings derived from it:
   * the same project with environment `{environment}-other`, and project `{project}-other` with
   * the same environment. All three must be empty when the test starts.
   */
  scope: SecretScope;
  /** Runs after the test, after the suite has deleted what it wrote and closed the provider. */
  cleanup?: () => Promise<void>;
}

export interface SecretProviderHarness {
  create(): Promise<SecretProviderFixture>;
}

export interface ConformanceOptions {
  /** Largest value the backend accepts, in UTF-8 bytes; the large-value case writes exactly this. Default 65536. */
  maxValueBytes?: number;
  /** Parallel writers in the concurrency cases. Default 20. */
  concurrentWriters?: number;
}

export const DEFAULT_OPTIONS: Required<ConformanceOptions> = { maxValueBytes: 64 * 1024, concurrentWriters: 20 };

/**
 * What each case sees of the current test's fixture. Cases are registered before any fixture
 * exists, so they reach it through this object at run time.
 */
export class ConformanceContext {
  readonly options: Required<ConformanceOptions>;
  #fixture: SecretProviderFixture | undefined;
  // Every ref a case wrote, so the suite can clean a shared real backend after itself.
  readonly #written = new Map<string, SecretRef>();

  constructor(options: Required<ConformanceOptions>) {
    this.options = options;
  }

  async setUp(harness: SecretProviderHarness): Promise<void> {
    this.#fixture = await harness.create();
    for (const scope of [this.scope, this.otherEnvironment, this.otherProject]) {
      const existing = await this.provider.getAll(scope);
      if (existing.size > 0) {
        throw new Error(
          `harness.create() must give every test a fresh, empty scope; ${JSON.stringify(scope)} already holds ${[...existing.keys()].join(', ')}`,
        );
      }
    }
  }

  async tearDown(): Promise<void> {
    const fixture = this.#fixture;
    this.#fixture = undefined;
    if (!fixture) return;
    try {
      // Best effort: a case may have deleted the key already, or left the backend unusable.
      await Promise.allSettled([...this.#written.values()].map((ref) => fixture.provider.delete(ref)));
      await fixture.provider.close();
    } finally {
      this.#written.clear();
      await fixture.cleanup?.();
    }
  }

  get provider(): SecretProvider {
    if (!this.#fixture) throw new Error('the conformance fixture is only available inside a test');
    return this.#fixture.provider;
  }

  get capabilities(): ProviderCapabilities {
    return this.provider.capabilities;
  }

  get scope(): SecretScope {
    if (!this.#fixture) throw new Error('the conformance fixture is only available inside a test');
    return { ...this.#fixture.scope };
  }

  /** Same tenant and project as {@link scope}, another environment. */
  get otherEnvironment(): SecretScope {
    const scope = this.scope;
    return { ...scope, environment: `${scope.environment}-other` };
  }

  /** Same tenant and environment slug as {@link scope}, another project. */
  get otherProject(): SecretScope {
    const scope = this.scope;
    return { ...scope, project: `${scope.project}-other` };
  }

  ref(key: string, scope: SecretScope = this.scope): SecretRef {
    return { tenant: scope.tenant, project: scope.project, environment: scope.environment, key };
  }

  /** `provider.put` with a plain string, remembering the ref for clean-up. */
  put(ref: SecretRef, value: string, options?: PutOptions): Promise<PutResult> {
    this.#written.set(JSON.stringify([ref.tenant, ref.project, ref.environment, ref.key]), ref);
    return this.provider.put(ref, new Secret(value), options);
  }
}
