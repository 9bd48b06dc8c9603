/** Who is calling, established by authentication; every query is scoped by `tenantId`. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  actorType: 'api-key' | 'user';
  /** API key id (`keyId`) or user id, shown in audit rows. */
  actorId: string;
  scope: 'tenant' | 'project' | 'environment' | 'personal';
  role: string;
  projectId: string | null;
  environmentId: string | null;
  /** A scoped token's scopes: it sees only secrets whose `tags.scope` names one of them. Null: unrestricted. */
  scopes: string[] | null;
}

export interface RequestContext {
  requestId: string;
  ip: string;
  principal: Principal;
}
