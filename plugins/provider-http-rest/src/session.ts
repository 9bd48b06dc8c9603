import {
  NotFoundError,
  Secret,
  SharedReads,
  UnsupportedError,
  type GetOptions,
  type ProviderCapabilities,
  type PutOptions,
  type PutResult,
  type SecretMetadata,
  type SecretProvider,
  type SecretRef,
  type SecretScope,
  type SecretValue,
} from '@keygate/core';
import { describeKey, type Backend } from './backend.js';
import { capabilities } from './config.js';
import { checkName, type ScopePath } from './scope-path.js';

/** An HttpRest session: scopes become paths, options the backend cannot honour are refused. */
export class HttpRestSecretProvider implements SecretProvider {
  readonly capabilities: ProviderCapabilities = capabilities;
  /** Listings of one path asked for together share one upstream call (and its answer). */
  readonly #listings = new SharedReads<ReadonlyMap<string, Secret>>();

  constructor(
    private readonly backend: Backend,
    private readonly path: ScopePath,
  ) {}

  private listing(path: string): Promise<ReadonlyMap<string, Secret>> {
    return this.#listings.get(path, async () => {
      const listing = await this.backend.list(path);
      return new Map([...listing].map(([key, value]) => [key, new Secret(value)]));
    });
  }

  private key(ref: SecretRef): { path: string; key: string } {
    return { path: this.path.render(ref), key: checkName(ref.key, 'key') };
  }

  async getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    return this.listing(this.path.render(scope));
  }

  async get(ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
    if (options.version !== undefined) throw new UnsupportedError('HttpRest keeps no versions');
    const { path, key } = this.key(ref);
    const value = await this.backend.get(path, key);
    if (value === undefined) throw new NotFoundError(`HttpRest: ${describeKey(path, key)} not found`);
    return { key, value: new Secret(value) };
  }

  async put(ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
    if (options.ifVersion !== undefined) throw new UnsupportedError('HttpRest has no compare-and-set (ifVersion)');
    if (options.labels !== undefined) throw new UnsupportedError('HttpRest stores no labels');
    const { path, key } = this.key(ref);
    await this.backend.set(path, key, value.reveal());
    return {};
  }

  async delete(ref: SecretRef): Promise<void> {
    const { path, key } = this.key(ref);
    if (!(await this.backend.delete(path, key))) throw new NotFoundError(`HttpRest: ${describeKey(path, key)} not found`);
  }

  async listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    const listing = await this.listing(this.path.render(scope));
    return [...listing.keys()].map((key) => ({ key, labels: {} }));
  }

  check(): Promise<void> {
    return this.backend.check();
  }

  async close(): Promise<void> {
    // Connections belong to the host's HTTP client; there is nothing of our own to release.
  }
}
