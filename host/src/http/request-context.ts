/** Who is calling, established by authentication; every query is scoped by `tenantId`. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  actorType: 'api-key';
  /** API key id (`keyId`), shown in audit rows. */
  actorId: string;
  scope: 'tenant' | 'project' | 'environment' | 'personal';
  role: string;
  projectId: string | null;
  environmentId: string | null;
}

export interface RequestContext {
  requestId: string;
  ip: string;
  principal: Principal;
}
