/**
 * Where this provider keeps values. The in-memory store is for trying the template out: replace it
 * with your database, HSM or existing secret service by implementing {@link SecretStore}.
 * `path` is what Keygate's `pathTemplate` made of the environment (by default
 * `{project}/{environment}`, e.g. `shop/production`).
 */
export interface SecretStore {
  list(path: string): Promise<Record<string, string>>;
  /** `undefined` when the key does not exist. */
  get(path: string, key: string): Promise<string | undefined>;
  set(path: string, key: string, value: string): Promise<void>;
  /** `false` when the key did not exist. */
  delete(path: string, key: string): Promise<boolean>;
}

export class InMemorySecretStore implements SecretStore {
  readonly #folders = new Map<string, Map<string, string>>();

  async list(path: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.#folders.get(path) ?? []);
  }

  async get(path: string, key: string): Promise<string | undefined> {
    return this.#folders.get(path)?.get(key);
  }

  async set(path: string, key: string, value: string): Promise<void> {
    let folder = this.#folders.get(path);
    if (!folder) this.#folders.set(path, (folder = new Map()));
    folder.set(key, value);
  }

  async delete(path: string, key: string): Promise<boolean> {
    return this.#folders.get(path)?.delete(key) ?? false;
  }
}
