import type { Keyring } from '@keygate/core';

export type RunState = 'due' | 'rotating' | 'stored' | 'pending_revocation' | 'done' | 'error';
export const ACTIVE_RUN_STATES: readonly RunState[] = ['due', 'rotating', 'stored'];

export interface PolicySettings {
  endpoint?: string;
  apiKeyHeader?: string;
  randomFormat?: string;
}

export interface PolicyRow {
  id: string;
  tenant_id: string;
  project_id: string;
  environment_id: string;
  provider_id: string;
  secret_key: string;
  enabled: boolean;
  interval_days: number;
  strategy: string;
  settings: PolicySettings;
  api_key_enc: string | null;
  signing_secret_enc: string | null;
  previous_signing_secret_enc: string | null;
  previous_signing_secret_expires_at: Date | null;
  revoke_previous_after_days: number | null;
  current_handle: string | null;
  next_rotation_at: Date;
  last_rotated_at: Date | null;
  last_run_id: string | null;
  last_run_state: RunState | null;
  last_error: string | null;
  revocation_due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface RunRow {
  id: string;
  tenant_id: string;
  policy_id: string;
  due_at: Date;
  trigger: 'schedule' | 'manual';
  actor_type: 'api-key' | 'user' | 'system';
  actor_id: string;
  strategy: string;
  state: RunState;
  request_id: string;
  revoke_request_id: string;
  attempt: number;
  revoke_attempt: number;
  base_version: string | null;
  base_exists: boolean | null;
  new_value_hmac: string | null;
  stored_version: string | null;
  new_handle: string | null;
  old_handle: string | null;
  revoke_at: Date | null;
  last_error: string | null;
  started_at: Date | null;
  stored_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Keyring AAD for a policy credential: a ciphertext only decrypts in the row and field it was made for. */
export function credentialContext(policyId: string, field: 'apiKey' | 'signingSecret'): string {
  return `rotation-policy:${policyId}:${field}`;
}

/**
 * The signing secrets a call is signed with: the current one, and the replaced one while its
 * grace window lasts (the receiver accepts any matching `v1`).
 */
export function signingSecrets(row: PolicyRow, keyring: Keyring, now: Date): string[] {
  const secrets: string[] = [];
  if (row.signing_secret_enc) secrets.push(keyring.decrypt(row.signing_secret_enc, credentialContext(row.id, 'signingSecret')));
  if (row.previous_signing_secret_enc && row.previous_signing_secret_expires_at && row.previous_signing_secret_expires_at.getTime() > now.getTime()) {
    secrets.push(keyring.decrypt(row.previous_signing_secret_enc, credentialContext(row.id, 'signingSecret')));
  }
  return secrets;
}

/** What the strategy plugin receives as `settings` (credentials decrypted). */
export function strategySettings(row: PolicyRow, keyring: Keyring, now: Date): Record<string, unknown> {
  if (row.strategy === 'GenerateRandom') return row.settings.randomFormat === undefined ? {} : { randomFormat: row.settings.randomFormat };
  return {
    endpoint: row.settings.endpoint,
    signingSecrets: signingSecrets(row, keyring, now),
    ...(row.settings.apiKeyHeader !== undefined && row.api_key_enc
      ? { apiKeyHeader: row.settings.apiKeyHeader, apiKey: keyring.decrypt(row.api_key_enc, credentialContext(row.id, 'apiKey')) }
      : {}),
  };
}
