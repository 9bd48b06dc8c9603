import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import { InvalidInputError, NotFoundError, SECRET_MASK, type Clock, type Keyring } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize, type Action } from '../auth/policy.js';
import { isUuid } from '../shared/refs.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../secrets/environment-resolver.js';
import type { StoredProvider } from '../providers/providers-service.js';
import { checkEndpoint, type EndpointRules } from './endpoint-policy.js';
import { credentialContext, DAY_MS, type PolicyRow, type PolicySettings } from './policy-row.js';
import type { RotationEngine } from './rotation-engine.js';
import { rotationStatus } from './status.js';

type RotationPolicy = components['schemas']['RotationPolicy'];
type RotationPolicyWrite = components['schemas']['RotationPolicyWrite'];
type RotationRunAccepted = components['schemas']['RotationRunAccepted'];

/** Grace before an HttpWebhook policy revokes the previous credential when the request names none. */
export const DEFAULT_REVOKE_AFTER_DAYS = 7;
export const DEFAULT_RANDOM_FORMAT = 'alphanumeric-32';

export interface PoliciesServiceDeps {
  knex: Knex;
  pool: pg.Pool;
  keyring: Keyring;
  audit: AuditLog;
  clock: Clock;
  engine: RotationEngine;
  endpointRules: EndpointRules;
  signingSecretGraceHours: number;
}

/** A fresh webhook signing secret: 32 random bytes, prefixed so it is recognisable in a vault. */
function newSigningSecret(): string {
  return `kgws_${randomBytes(32).toString('hex')}`;
}

/**
 * Rotation policies over HTTP: one per secret of a provider in an environment. Reading needs
 * `secrets.read`, changing and Rotate Now `secrets.write`, on the environment.
 */
export class RotationPoliciesService {
  readonly #d: PoliciesServiceDeps;

  constructor(deps: PoliciesServiceDeps) {
    this.#d = deps;
  }

  async #environment(ctx: RequestContext, projectRef: string, envRef: string, action: Action): Promise<ResolvedEnvironment> {
    const env = await resolveEnvironment(this.#d.pool, ctx.principal.tenantId, projectRef, envRef);
    authorize(ctx.principal, action, { projectId: env.projectId, environmentId: env.environmentId }, `environment "${envRef}" of project "${projectRef}"`);
    return env;
  }

  #provider(env: ResolvedEnvironment, providerRef: string): StoredProvider {
    const provider = env.providers.find((p) => (isUuid(providerRef) ? p.id === providerRef : p.slug === providerRef));
    if (!provider) throw new NotFoundError(`provider "${providerRef}" is not assigned to environment "${env.environmentSlug}"`);
    return provider;
  }

  async #find(env: ResolvedEnvironment, provider: StoredProvider, key: string): Promise<PolicyRow> {
    const row = await this.#d.knex<PolicyRow>('rotation_policies').where({ environment_id: env.environmentId, provider_id: provider.id, secret_key: key }).first();
    if (!row) throw new NotFoundError(`secret "${key}" of provider "${provider.slug}" has no rotation policy`);
    return row;
  }

  async get(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string): Promise<RotationPolicy> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    const provider = this.#provider(env, providerRef);
    return this.#view(env, provider.slug, await this.#find(env, provider, key));
  }

  async list(ctx: RequestContext, projectRef: string, envRef: string): Promise<RotationPolicy[]> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    const rows = await this.#d.knex<PolicyRow>('rotation_policies').where({ environment_id: env.environmentId });
    const slugs = new Map(env.providers.map((p) => [p.id, p.slug]));
    return rows
      .filter((row) => slugs.has(row.provider_id))
      .map((row) => this.#view(env, slugs.get(row.provider_id)!, row))
      .sort((a, b) => (a.provider === b.provider ? cmp(a.secretKey, b.secretKey) : cmp(a.provider, b.provider)));
  }

  async put(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string, input: RotationPolicyWrite): Promise<{ created: boolean; policy: RotationPolicy }> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const checked = this.#check(input);
    const now = this.#d.clock.now();
    let issued: string | undefined;
    const { row, created } = await this.#d.knex.transaction(async (trx) => {
      const existing = await trx<PolicyRow>('rotation_policies').where({ environment_id: env.environmentId, provider_id: provider.id, secret_key: key }).forUpdate().first();
      const id = existing?.id ?? randomUUID();
      let apiKeyEnc: string | null = null;
      if (checked.settings.apiKeyHeader !== undefined) {
        if (input.apiKey !== undefined && input.apiKey !== SECRET_MASK) apiKeyEnc = this.#d.keyring.encrypt(input.apiKey, credentialContext(id, 'apiKey'));
        else if (existing?.api_key_enc) apiKeyEnc = existing.api_key_enc;
        else throw new InvalidInputError('apiKey is required with apiKeyHeader', { field: 'apiKey' });
      }
      let signingSecretEnc = existing?.signing_secret_enc ?? null;
      if (input.strategy === 'HttpWebhook' && signingSecretEnc === null) {
        issued = newSigningSecret();
        signingSecretEnc = this.#d.keyring.encrypt(issued, credentialContext(id, 'signingSecret'));
      }
      const columns = {
        enabled: input.enabled,
        interval_days: input.intervalDays,
        strategy: input.strategy,
        settings: checked.settings as never,
        api_key_enc: apiKeyEnc,
        signing_secret_enc: signingSecretEnc,
        revoke_previous_after_days: checked.revokeAfterDays,
        updated_at: now,
      };
      if (existing) {
        // A new interval counts from the last rotation (or creation), not from now.
        const from = existing.last_rotated_at ?? existing.created_at;
        const next = existing.interval_days === input.intervalDays ? existing.next_rotation_at : new Date(from.getTime() + input.intervalDays * DAY_MS);
        const [updated] = await trx<PolicyRow>('rotation_policies').where({ id }).update({ ...columns, next_rotation_at: next }).returning('*');
        return { row: updated!, created: false };
      }
      const [inserted] = await trx<PolicyRow>('rotation_policies')
        .insert({
          id,
          tenant_id: ctx.principal.tenantId,
          project_id: env.projectId,
          environment_id: env.environmentId,
          provider_id: provider.id,
          secret_key: key,
          ...columns,
          next_rotation_at: new Date(now.getTime() + input.intervalDays * DAY_MS),
          created_at: now,
        })
        .returning('*');
      return { row: inserted!, created: true };
    });
    if (row.enabled) await this.#d.engine.wakeups.policyAt(row.id, row.next_rotation_at);
    else await this.#d.engine.wakeups.cancelPolicy(row.id);
    await this.#record(ctx, env, provider, key, 'rotation-policy.write', created ? 201 : 200, {
      policyId: row.id,
      strategy: row.strategy,
      enabled: row.enabled,
      intervalDays: row.interval_days,
      ...(issued === undefined ? {} : { signingSecretIssued: true }),
    });
    return { created, policy: this.#view(env, provider.slug, row, issued) };
  }

  async delete(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string): Promise<void> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const row = await this.#find(env, provider, key);
    await this.#d.knex('rotation_policies').where({ id: row.id }).delete();
    await this.#d.engine.wakeups.cancelPolicy(row.id);
    await this.#record(ctx, env, provider, key, 'rotation-policy.delete', 204, { policyId: row.id });
  }

  async rotateSigningSecret(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string): Promise<RotationPolicy> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const found = await this.#find(env, provider, key);
    if (found.strategy !== 'HttpWebhook' || found.signing_secret_enc === null) {
      throw new InvalidInputError('only an HttpWebhook policy has a signing secret', { field: 'strategy' });
    }
    const now = this.#d.clock.now();
    const issued = newSigningSecret();
    const [row] = await this.#d.knex<PolicyRow>('rotation_policies')
      .where({ id: found.id })
      .update({
        signing_secret_enc: this.#d.keyring.encrypt(issued, credentialContext(found.id, 'signingSecret')),
        // Same row and field, so the envelope stays valid under its context as it is.
        previous_signing_secret_enc: found.signing_secret_enc,
        previous_signing_secret_expires_at: new Date(now.getTime() + this.#d.signingSecretGraceHours * 60 * 60 * 1000),
        updated_at: now,
      })
      .returning('*');
    await this.#record(ctx, env, provider, key, 'rotation-policy.signing-secret-rotated', 200, { policyId: found.id, graceHours: this.#d.signingSecretGraceHours });
    return this.#view(env, provider.slug, row!, issued);
  }

  async rotateNow(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string): Promise<RotationRunAccepted> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const policy = await this.#find(env, provider, key);
    const { run, created } = await this.#d.engine.requestRun(policy, 'manual', { type: ctx.principal.actorType, id: ctx.principal.actorId });
    // Audited before the run is handed to the scheduler, so the request precedes the run's own rows.
    await this.#record(ctx, env, provider, key, 'rotation.requested', 202, { policyId: policy.id, runId: run.id, joined: !created });
    if (created) await this.#d.engine.wakeups.runAt(run.id, this.#d.clock.now());
    return { runId: run.id, requestId: run.request_id, state: run.state, trigger: run.trigger, dueAt: run.due_at.toISOString() };
  }

  /** Field rules the schema cannot express; every message names the field. */
  #check(input: RotationPolicyWrite): { settings: PolicySettings; revokeAfterDays: number | null } {
    if (input.strategy === 'GenerateRandom') {
      for (const field of ['endpoint', 'apiKeyHeader', 'apiKey', 'revokePreviousAfterDays'] as const) {
        if (input[field] !== undefined) throw new InvalidInputError(`${field} applies to the HttpWebhook strategy only`, { field });
      }
      return { settings: { randomFormat: input.randomFormat ?? DEFAULT_RANDOM_FORMAT }, revokeAfterDays: null };
    }
    if (input.randomFormat !== undefined) throw new InvalidInputError('randomFormat applies to the GenerateRandom strategy only', { field: 'randomFormat' });
    if (input.endpoint === undefined) throw new InvalidInputError('endpoint is required for the HttpWebhook strategy', { field: 'endpoint' });
    if (input.apiKey !== undefined && input.apiKeyHeader === undefined) throw new InvalidInputError('apiKey needs apiKeyHeader (the header to send it in)', { field: 'apiKeyHeader' });
    const endpoint = checkEndpoint(input.endpoint, this.#d.endpointRules);
    return {
      settings: { endpoint, ...(input.apiKeyHeader === undefined ? {} : { apiKeyHeader: input.apiKeyHeader }) },
      revokeAfterDays: input.revokePreviousAfterDays ?? DEFAULT_REVOKE_AFTER_DAYS,
    };
  }

  #view(env: ResolvedEnvironment, providerSlug: string, row: PolicyRow, issuedSigningSecret?: string): RotationPolicy {
    const now = this.#d.clock.now();
    const webhook = row.strategy === 'HttpWebhook';
    return {
      id: row.id,
      projectSlug: env.projectSlug,
      environmentSlug: env.environmentSlug,
      provider: providerSlug,
      secretKey: row.secret_key,
      enabled: row.enabled,
      intervalDays: row.interval_days,
      strategy: row.strategy as RotationPolicy['strategy'],
      ...(row.settings.endpoint === undefined ? {} : { endpoint: row.settings.endpoint }),
      ...(row.settings.apiKeyHeader === undefined ? {} : { apiKeyHeader: row.settings.apiKeyHeader }),
      ...(row.api_key_enc ? { apiKey: SECRET_MASK } : {}),
      ...(row.settings.randomFormat === undefined ? {} : { randomFormat: row.settings.randomFormat as RotationPolicy['randomFormat'] }),
      ...(webhook && row.revoke_previous_after_days !== null ? { revokePreviousAfterDays: row.revoke_previous_after_days } : {}),
      ...(webhook && row.signing_secret_enc ? { signingSecret: issuedSigningSecret ?? SECRET_MASK } : {}),
      ...(webhook && row.previous_signing_secret_expires_at && row.previous_signing_secret_expires_at.getTime() > now.getTime()
        ? { previousSigningSecretExpiresAt: row.previous_signing_secret_expires_at.toISOString() }
        : {}),
      status: rotationStatus(row, now),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async #record(ctx: RequestContext, env: ResolvedEnvironment, provider: StoredProvider, key: string, action: string, status: number, details: Record<string, unknown>): Promise<void> {
    await this.#d.audit.record({
      tenantId: ctx.principal.tenantId,
      actorType: ctx.principal.actorType,
      actorId: ctx.principal.actorId,
      action,
      targetType: 'secret',
      target: `${env.projectSlug}/${env.environmentSlug}/${provider.slug}/${key}`,
      outcome: 'success',
      status,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details,
      projectId: env.projectId,
      environmentId: env.environmentId,
    });
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

