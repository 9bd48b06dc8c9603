import { NotFoundError } from '@keygate/core';
import { apiKeyPrefix } from '@keygate/core/wire';
import type { components } from '../generated/openapi.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import type { ApiKeyChanges, ApiKeyFilter, ApiKeyInfo, NewApiKey } from '../auth/api-keys.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';

type ApiKey = components['schemas']['ApiKey'];
type ApiKeyCreated = components['schemas']['ApiKeyCreated'];
type ApiKeyList = components['schemas']['ApiKeyList'];

const DAY_MS = 86_400_000;

/** What may be shown about a key: never its secret. */
export function keyToApi(key: ApiKeyInfo): ApiKey {
  return {
    id: key.id,
    keyPrefix: apiKeyPrefix(key.keyId),
    clientName: key.clientName,
    description: key.description,
    role: key.role,
    enabled: key.enabled,
    expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    createdAt: new Date(key.createdAt).toISOString(),
  };
}

export function keyNotFound(id: string): NotFoundError {
  return new NotFoundError(`API key "${id}" not found`);
}

/** The optional fields every kind of key is created with. */
export interface KeyCreateBody {
  clientName?: string;
  description?: string;
  expiresInDays?: number;
}

/** Audit details and `where` columns that say which project/environment/user a key belongs to. */
export interface KeyAuditScope {
  details: Record<string, unknown>;
  where?: { projectId?: string; environmentId?: string };
}

/**
 * The management operations shared by every kind of key (environment, project, tenant, personal):
 * the caller has been authorized and `filter` confines the operation to one kind of key in one
 * tenant (and project, environment or user). Secrets appear only in `create`'s answer; every change
 * is audited as `apiKey.*`.
 */
export function keyManagement(s: HostServices) {
  return {
    async list(filter: ApiKeyFilter, query: { limit?: number; offset?: number }, present: (key: ApiKeyInfo) => ApiKeyInfo = (k) => k): Promise<ApiKeyList> {
      const { limit, offset } = page(query);
      const { items, total } = await s.keys.list(filter, limit, offset);
      return { items: items.map((k) => keyToApi(present(k))), total, limit, offset };
    },
    async create(
      ctx: RequestContext,
      key: Omit<NewApiKey, 'tenantId' | 'clientName' | 'description' | 'expiresAt'>,
      body: KeyCreateBody,
      audit: KeyAuditScope,
    ): Promise<ApiKeyCreated> {
      const created = await s.keys.create({
        ...key,
        tenantId: ctx.principal.tenantId,
        ...(body.clientName === undefined ? {} : { clientName: body.clientName }),
        ...(body.description === undefined ? {} : { description: body.description }),
        expiresAt: body.expiresInDays === undefined ? null : new Date(Date.now() + body.expiresInDays * DAY_MS),
      });
      const expiresAt = created.expiresAt === null ? null : new Date(created.expiresAt).toISOString();
      await recordAction(s.audit, ctx, 'apiKey.create', 'api-key', created.keyPrefix, 201, { ...audit.details, scope: key.scope, role: key.role, expiresAt }, audit.where);
      return { id: created.id, apiKey: created.apiKey, keyPrefix: created.keyPrefix, expiresAt };
    },
    async get(filter: ApiKeyFilter, id: string): Promise<ApiKeyInfo> {
      const key = await s.keys.find(filter, id);
      if (!key) throw keyNotFound(id);
      return key;
    },
    async update(ctx: RequestContext, filter: ApiKeyFilter, id: string, changes: ApiKeyChanges, audit: KeyAuditScope): Promise<ApiKey> {
      const key = await s.keys.update(filter, id, changes);
      if (!key) throw keyNotFound(id);
      await recordAction(s.audit, ctx, 'apiKey.update', 'api-key', apiKeyPrefix(key.keyId), 200, { ...audit.details, scope: filter.scope, changed: Object.keys(changes).sort() }, audit.where);
      return keyToApi(key);
    },
    async delete(ctx: RequestContext, filter: ApiKeyFilter, id: string, audit: KeyAuditScope): Promise<void> {
      const keyId = await s.keys.delete(filter, id);
      if (keyId === undefined) throw keyNotFound(id);
      await recordAction(s.audit, ctx, 'apiKey.delete', 'api-key', apiKeyPrefix(keyId), 204, { ...audit.details, scope: filter.scope }, audit.where);
    },
  };
}
