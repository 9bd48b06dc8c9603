/** How a session keeps a valid token on its node-vault client. One module per method. */
export interface VaultAuth {
  readonly method: 'token' | 'approle' | 'kubernetes';
  /** Runs before each request: renews the token, or logs in again, when its lease is running out. */
  ensureFresh(): Promise<void>;
  /** After Vault answered 403: logs in again when that may help; says whether to retry once. */
  reloginAfterDenied(): Promise<boolean>;
  close(): void;
}
