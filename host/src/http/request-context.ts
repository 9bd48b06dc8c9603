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
  /**
   * A user's project memberships, set for users (and their personal keys) whose tenant role is
   * User or Viewer: inside a project they act by their project role only.
   */
  access?: MemberAccess;
}

export type ProjectRole = 'Owner' | 'Manager' | 'Member' | 'Consumer';

export interface MemberAccess {
  /** Project id → the user's role in it. */
  projects: ReadonlyMap<string, ProjectRole>;
  /** Restricted environments (non-empty member list) of those projects → whether the user is listed. */
  environments: ReadonlyMap<string, boolean>;
}

export interface RequestContext {
  requestId: string;
  ip: string;
  principal: Principal;
}
