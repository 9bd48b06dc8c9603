/**
 * What each mode implements: the four contract actions on a rendered path, plus a connectivity
 * check. The session ({@link HttpRestSecretProvider}) maps scopes to paths and checks options.
 */
export interface Backend {
  list(path: string): Promise<Map<string, string>>;
  /** Resolves `undefined` when the key does not exist. */
  get(path: string, key: string): Promise<string | undefined>;
  set(path: string, key: string, value: string): Promise<void>;
  /** Resolves `false` when the key did not exist. */
  delete(path: string, key: string): Promise<boolean>;
  check(): Promise<void>;
}

export const describePath = (path: string): string => `path "${path}"`;
export const describeKey = (path: string, key: string): string => `key "${key}" of path "${path}"`;
