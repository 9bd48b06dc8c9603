import type { Knex } from 'knex';
import type pg from 'pg';
import { ByteBudgetCache, ConflictError, NotFoundError, Secret, isKeygateError, type SecretRef, type SecretScope } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { StoredProvider } from '../providers/providers-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize, type Action } from '../auth/policy.js';
import { isUuid } from '../shared/refs.js';
import { CoherentCache, type ChangeFeed } from '../db/change-feed.js';
import { resolveEnvironment, type ResolvedEnvironment } from './environment-resolver.js';
import { checkValue, type SecretType } from './value-rules.js';
import { reusableBody } from '../http/reusable-body.js';

type EnvironmentSecrets = components['schemas']['EnvironmentSecrets'];
type EnvironmentSecretsVersion = components['schemas']['EnvironmentSecretsVersion'];
type SecretMetadata = components['schemas']['SecretMetadata'];
type SecretWithValue = components['schemas']['SecretWithValue'];
type Tags = components['schemas']['Tags'];

interface MetadataRow {
  environment_id: string;
  provider_id: string;
  key: string;
  description: string;
  type: SecretType;
  tags: Tags;
  updated_at: Date;
}

export interface SecretWrite {
  value: string;
  description?: string;
  type?: SecretType;
  tags?: Tags;
  ifVersion?: string | null;
}

/**
 * Reads and writes secret values through the environment's providers. Values pass through memory
 * only; Keygate's database holds the metadata (description, type, tags) and the environment's
 * change counter.
 */
export class SecretsService {
  readonly #knex: Knex;
  readonly #pool: pg.Pool;
  readonly #registry: ProviderRegistry;
  readonly #audit: AuditLog;
  readonly #maxValueBytes: number;
  readonly #environments: CoherentCache<ResolvedEnvironment>;
  /** The last unrestricted read of recently read environments, reused while their providers return the same maps. */
  readonly #merged: ByteBudgetCache<string, { maps: ReadonlyArray<ReadonlyMap<string, Secret>>; readonly body: EnvironmentSecrets; readonly count: number }>;

  constructor(deps: { knex: Knex; pool: pg.Pool; registry: ProviderRegistry; audit: AuditLog; maxValueBytes: number; responseCacheBytes: number; feed: ChangeFeed }) {
    this.#knex = deps.knex;
    this.#pool = deps.pool;
    this.#registry = deps.registry;
    this.#audit = deps.audit;
    this.#maxValueBytes = deps.maxValueBytes;
    this.#environments = new CoherentCache(deps.feed);
    this.#merged = new ByteBudgetCache(deps.responseCacheBytes);
  }

  async #environment(ctx: RequestContext, projectRef: string, envRef: string, action: Action): Promise<ResolvedEnvironment> {
    const { principal } = ctx;
    let env: ResolvedEnvironment;
    try {
      env = await this.#environments.get(`${principal.tenantId}\n${projectRef}\n${envRef}`, () => resolveEnvironment(this.#pool, principal.tenantId, projectRef, envRef));
    } catch (error) {
      if (isKeygateError(error) && error.code === 'NOT_FOUND') {
        await this.#record(ctx, undefined, action === 'secrets.write' ? 'secret.write' : 'secret.read', `${projectRef}/${envRef}`, 'denied', 404, { reason: 'no such environment' });
      }
      throw error;
    }
    // A refusal here is audited by the HTTP layer as access.denied.
    authorize(principal, action, { projectId: env.projectId, environmentId: env.environmentId }, `environment "${envRef}" of project "${projectRef}"`);
    return env;
  }

  #scope(env: ResolvedEnvironment): SecretScope {
    return { tenant: env.tenantSlug, project: env.projectSlug, environment: env.environmentSlug };
  }

  #provider(env: ResolvedEnvironment, providerRef: string): StoredProvider {
    const provider = env.providers.find((p) => (isUuid(providerRef) ? p.id === providerRef : p.slug === providerRef));
    if (!provider) throw new NotFoundError(`provider "${providerRef}" is not assigned to environment "${env.environmentSlug}"`);
    return provider;
  }

  async #record(
    ctx: RequestContext,
    env: ResolvedEnvironment | undefined,
    action: string,
    target: string,
    outcome: 'success' | 'denied' | 'error',
    status: number,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#audit.record({
      tenantId: ctx.principal.tenantId,
      actorType: ctx.principal.actorType,
      actorId: ctx.principal.actorId,
      action,
      targetType: 'secret',
      target,
      outcome,
      status,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details,
      ...(env === undefined ? {} : { projectId: env.projectId, environmentId: env.environmentId }),
    });
  }

  /** All providers read in parallel; on a duplicate key the earlier provider in priority order wins. */
  async readAll(ctx: RequestContext, projectRef: string, envRef: string): Promise<EnvironmentSecrets> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    const scope = this.#scope(env);
    const target = `${env.projectSlug}/${env.environmentSlug}`;
    let maps: Array<ReadonlyMap<string, Secret>>;
    try {
      maps = await Promise.all(env.providers.map(async (row) => (await this.#registry.session(row)).getAll(scope)));
    } catch (error) {
      await this.#record(ctx, env, 'environment.read', target, 'error', 502, { code: isKeygateError(error) ? error.code : 'INTERNAL' });
      throw error;
    }
    const scopes = ctx.principal.scopes;
    // Unchanged environment, and every provider answered the same maps (the same objects, as a
    // caching provider gives, or equal ones): the response built last time still holds.
    const responseKey = scopes === null ? responseKeyOf(env) : undefined;
    const previous = responseKey === undefined ? undefined : this.#merged.get(responseKey);
    if (previous && sameMaps(previous.maps, maps)) {
      previous.maps = maps;
      await this.#record(ctx, env, 'environment.read', target, 'success', 200, { keys: previous.count });
      return previous.body;
    }
    let visible = (_providerId: string, _key: string) => true;
    if (scopes !== null) {
      const rows = await this.#knex<MetadataRow>('secret_metadata').where({ environment_id: env.environmentId }).select('provider_id', 'key', 'tags');
      const tags = new Map(rows.map((r) => [`${r.provider_id}\n${r.key}`, r.tags]));
      visible = (providerId, key) => inScope(scopes, tags.get(`${providerId}\n${key}`));
    }
    // In priority order, the first provider holding a key wins it, visible or not: a scoped token
    // sees exactly the secrets it would see unrestricted, minus those out of its scopes. No
    // prototype, so that a key such as `__proto__` is a member like any other.
    const secrets = Object.create(null) as Record<string, string>;
    const taken = maps.length > 1 ? new Set<string>() : undefined;
    let count = 0;
    let bytes = 0;
    for (let i = 0; i < maps.length; i++) {
      const providerId = env.providers[i]!.id;
      for (const [key, value] of maps[i]!) {
        if (taken !== undefined) {
          if (taken.has(key)) continue;
          taken.add(key);
        }
        if (!visible(providerId, key)) continue;
        const revealed = value.reveal();
        secrets[key] = revealed;
        bytes += key.length + revealed.length;
        count++;
      }
    }
    await this.#record(ctx, env, 'environment.read', target, 'success', 200, { keys: count });
    const body: EnvironmentSecrets = {
      environmentSlug: env.environmentSlug,
      environmentName: env.environmentName,
      secrets,
      version: env.secretsVersion,
      lastModified: new Date(env.secretsModifiedAt).toISOString(),
    };
    if (responseKey === undefined) return body;
    // Counted by what it holds, the secrets' keys and values. Frozen and marked for the HTTP layer
    // only if kept: nothing else will send it again.
    if (this.#merged.set(responseKey, { maps, body, count }, bytes)) reusableBody(body);
    return body;
  }

  async version(ctx: RequestContext, projectRef: string, envRef: string): Promise<EnvironmentSecretsVersion> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    return { environmentSlug: env.environmentSlug, version: env.secretsVersion, lastModified: new Date(env.secretsModifiedAt).toISOString() };
  }

  async list(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string): Promise<SecretMetadata[]> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    const provider = this.#provider(env, providerRef);
    const session = await this.#registry.session(provider);
    const [native, rows] = await Promise.all([
      session.listMetadata(this.#scope(env)),
      this.#knex<MetadataRow>('secret_metadata').where({ environment_id: env.environmentId, provider_id: provider.id }),
    ]);
    const meta = new Map(rows.map((r) => [r.key, r]));
    const scopes = ctx.principal.scopes;
    return native
      .filter((item) => scopes === null || inScope(scopes, meta.get(item.key)?.tags))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((item) => this.#metadata(provider.slug, item.key, meta.get(item.key), item.version, item.updatedAt));
  }

  async get(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string, version?: string): Promise<SecretWithValue> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.read');
    const provider = this.#provider(env, providerRef);
    const target = `${env.projectSlug}/${env.environmentSlug}/${provider.slug}/${key}`;
    const row = await this.#knex<MetadataRow>('secret_metadata').where({ environment_id: env.environmentId, provider_id: provider.id, key }).first();
    if (ctx.principal.scopes !== null && !inScope(ctx.principal.scopes, row?.tags)) {
      // A scoped token must not learn whether a secret outside its scopes exists.
      await this.#record(ctx, env, 'secret.read', target, 'denied', 404, { reason: 'outside the token scopes' });
      throw new NotFoundError(`secret "${key}" not found in provider "${provider.slug}"`);
    }
    const session = await this.#registry.session(provider);
    let value;
    try {
      value = await session.get({ ...this.#scope(env), key }, version === undefined ? {} : { version });
    } catch (error) {
      const code = isKeygateError(error) ? error.code : 'INTERNAL';
      await this.#record(ctx, env, 'secret.read', target, code === 'NOT_FOUND' ? 'denied' : 'error', code === 'NOT_FOUND' ? 404 : 502, { code });
      throw error;
    }
    await this.#record(ctx, env, 'secret.read', target, 'success', 200, value.version === undefined ? {} : { version: value.version });
    const metadata = this.#metadata(provider.slug, key, row, value.version);
    // Bytes written to the backend by other tools have no metadata row: the provider says what they are.
    if (row === undefined && value.binary === true) metadata.type = 'binary';
    return { ...metadata, value: value.value.reveal() };
  }

  /** Create: refuses an existing key, atomically where the provider can compare-and-set. */
  async create(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string, input: SecretWrite): Promise<SecretMetadata> {
    return this.#write(ctx, projectRef, envRef, providerRef, key, input, 'create');
  }

  /** Create or replace; `ifVersion` makes it a compare-and-set. */
  async put(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string, input: SecretWrite): Promise<SecretMetadata> {
    return this.#write(ctx, projectRef, envRef, providerRef, key, input, 'put');
  }

  async #write(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string, input: SecretWrite, mode: 'create' | 'put'): Promise<SecretMetadata> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const type = input.type ?? 'string';
    checkValue(input.value, type, this.#maxValueBytes);
    const ref: SecretRef = { ...this.#scope(env), key };
    const target = `${env.projectSlug}/${env.environmentSlug}/${provider.slug}/${key}`;
    const session = await this.#registry.session(provider);

    let ifVersion = input.ifVersion;
    if (mode === 'create') {
      if (session.capabilities.compareAndSet) ifVersion = null;
      else if (await exists(() => session.get(ref))) throw new ConflictError(`secret "${key}" already exists in provider "${provider.slug}"`);
    }
    let version: string | undefined;
    try {
      ({ version } = await session.put(ref, new Secret(input.value), { ...(ifVersion === undefined ? {} : { ifVersion }), ...(type === 'binary' ? { binary: true } : {}) }));
    } catch (error) {
      const code = isKeygateError(error) ? error.code : 'INTERNAL';
      await this.#record(ctx, env, 'secret.write', target, 'error', code === 'VERSION_CONFLICT' ? 409 : 502, { code });
      if (mode === 'create' && code === 'VERSION_CONFLICT') throw new ConflictError(`secret "${key}" already exists in provider "${provider.slug}"`, { provider: provider.slug });
      throw error;
    }
    const row = await this.#knex.transaction(async (trx) => {
      const [meta] = await trx<MetadataRow>('secret_metadata')
        .insert({
          environment_id: env.environmentId,
          provider_id: provider.id,
          key,
          description: input.description ?? '',
          type,
          tags: (input.tags ?? {}) as never,
        })
        .onConflict(['environment_id', 'provider_id', 'key'])
        .merge({
          ...(input.description === undefined ? {} : { description: input.description }),
          type,
          ...(input.tags === undefined ? {} : { tags: input.tags as never }),
          updated_at: trx.fn.now() as unknown as Date,
        })
        .returning('*');
      await bumpVersion(trx, env.environmentId);
      return meta as MetadataRow;
    });
    await this.#record(ctx, env, mode === 'create' ? 'secret.create' : 'secret.write', target, 'success', mode === 'create' ? 201 : 200, {
      valueHmac: this.#audit.valueHmac(input.value),
      ...(version === undefined ? {} : { version }),
    });
    return this.#metadata(provider.slug, key, row, version, row.updated_at);
  }

  async delete(ctx: RequestContext, projectRef: string, envRef: string, providerRef: string, key: string): Promise<void> {
    const env = await this.#environment(ctx, projectRef, envRef, 'secrets.write');
    const provider = this.#provider(env, providerRef);
    const target = `${env.projectSlug}/${env.environmentSlug}/${provider.slug}/${key}`;
    const session = await this.#registry.session(provider);
    try {
      await session.delete({ ...this.#scope(env), key });
    } catch (error) {
      const code = isKeygateError(error) ? error.code : 'INTERNAL';
      await this.#record(ctx, env, 'secret.delete', target, code === 'NOT_FOUND' ? 'denied' : 'error', code === 'NOT_FOUND' ? 404 : 502, { code });
      throw error;
    }
    await this.#knex.transaction(async (trx) => {
      await trx('secret_metadata').where({ environment_id: env.environmentId, provider_id: provider.id, key }).delete();
      await bumpVersion(trx, env.environmentId);
    });
    await this.#record(ctx, env, 'secret.delete', target, 'success', 204);
  }

  #metadata(provider: string, key: string, row: MetadataRow | undefined, version?: string, updatedAt?: Date): SecretMetadata {
    return {
      key,
      provider,
      description: row?.description ?? '',
      type: row?.type ?? 'string',
      tags: row?.tags ?? {},
      ...(version === undefined ? {} : { version }),
      ...(updatedAt ?? row?.updated_at ? { updatedAt: new Date((updatedAt ?? row?.updated_at)!).toISOString() } : {}),
    };
  }
}

/** Whether a secret's tags put it in one of a token's scopes (`tags.scope` is space-separated). */
/**
 * What an environment's response depends on besides its providers' maps: the fields it shows and
 * the providers' order (which one wins a key). Not the resolved object itself, which any change to
 * any cached table replaces, so that a write elsewhere does not cost every environment a rebuild.
 */
function responseKeyOf(env: ResolvedEnvironment): string {
  let key = responseKeys.get(env);
  if (key === undefined) {
    key = JSON.stringify([env.environmentId, env.environmentSlug, env.environmentName, env.secretsVersion, env.secretsModifiedAt.getTime(), env.providers.map((p) => p.id)]);
    responseKeys.set(env, key);
  }
  return key;
}

/** Computed once per resolved (cached) environment object, not on every read. */
const responseKeys = new WeakMap<ResolvedEnvironment, string>();

/**
 * Whether two reads of an environment's providers hold the same secrets: the same map objects, or
 * maps with the same keys and values (a provider that reads its backend every time, such as
 * HttpRest, answers an unchanged backend with equal maps). Comparing costs far less than merging,
 * checking and serialising the response again.
 */
function sameMaps(before: ReadonlyArray<ReadonlyMap<string, Secret>>, now: ReadonlyArray<ReadonlyMap<string, Secret>>): boolean {
  if (before.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) {
    const [a, b] = [before[i]!, now[i]!];
    if (a === b) continue;
    if (a.size !== b.size) return false;
    for (const [key, value] of b) if (a.get(key)?.reveal() !== value.reveal()) return false;
  }
  return true;
}

function inScope(scopes: readonly string[], tags: Tags | undefined): boolean {
  const tagged = tags?.scope;
  if (typeof tagged !== 'string') return false;
  return tagged.split(/\s+/).some((s) => s !== '' && scopes.includes(s));
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isKeygateError(error) && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

async function bumpVersion(trx: Knex, environmentId: string): Promise<void> {
  await trx('environments').where({ id: environmentId }).update({ secrets_version: trx.raw('secrets_version + 1'), secrets_modified_at: trx.fn.now() });
}
