/** How a session keeps a valid token on its node-vault client. One module per method. */
export interface VaultAuth {
  readonly method: 'token' | 'approle';
  /** Runs before each request: logs in again when the token is close to expiry. */
  ensureFresh(): Promise<void>;
  /** After Vault answered 403: logs in again when that may help; says whether to retry once. */
  reloginAfterDenied(): Promise<boolean>;
  close(): void;
}
