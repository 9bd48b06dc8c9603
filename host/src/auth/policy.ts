import { KeygateError, isKeygateError } from '@keygate/core';
import type { Principal, ProjectRole } from '../http/request-context.js';

export type Action =
  | 'providers.read'
  | 'providers.write'
  | 'projects.read'
  | 'projects.write'
  | 'environments.read'
  | 'environments.write'
  | 'secrets.read'
  | 'secrets.write'
  | 'apiKeys.read'
  | 'apiKeys.write'
  | 'members.read'
  | 'members.write'
  | 'audit.read'
  | 'audit.verify'
  | 'users.read'
  | 'users.write';

export interface Resource {
  projectId?: string;
  environmentId?: string;
}

const ALL: readonly Action[] = [
  'providers.read', 'providers.write', 'projects.read', 'projects.write', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write',
  'apiKeys.read', 'apiKeys.write', 'members.read', 'members.write', 'audit.read', 'audit.verify', 'users.read', 'users.write',
];
const TENANT_USER: readonly Action[] = ['providers.read'];
const PROJECT_MANAGER: readonly Action[] = ['projects.read', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write', 'apiKeys.read', 'apiKeys.write'];

/** What each project role grants inside its project (and nothing outside it). */
const PROJECT_ROLE_ACTIONS: Record<ProjectRole, readonly Action[]> = {
  Owner: ['projects.read', 'projects.write', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write', 'apiKeys.read', 'apiKeys.write', 'members.read', 'members.write'],
  Manager: PROJECT_MANAGER,
  Member: ['projects.read', 'environments.read', 'secrets.read', 'secrets.write'],
  Consumer: ['projects.read', 'environments.read', 'secrets.read'],
};

/**
 * The permission matrix, by caller (documented in host/PERMISSIONS.md). Tenant Owners and Admins
 * (keys, users, personal keys) act on the whole tenant. Tenant Users and Viewers see no project by
 * their tenant role: a user among them sees a project only as its member, and there acts by the
 * project role (`member:<role>`, listed as a tenant User would see it). Project keys act only in
 * their project, environment keys only in their environment; environment keys never manage API
 * keys. Only Owners and Admins verify the audit chain and manage users.
 */
export const PERMISSIONS: Record<string, readonly Action[]> = {
  'tenant:Owner': ALL,
  'tenant:Admin': ALL,
  'tenant:User': TENANT_USER,
  'tenant:Viewer': [...TENANT_USER, 'audit.read'],
  'project:Manager': ['providers.read', ...PROJECT_MANAGER],
  'environment:Member': ['environments.read', 'secrets.read', 'secrets.write'],
  'environment:Consumer': ['environments.read', 'secrets.read'],
  'member:Owner': [...TENANT_USER, ...PROJECT_ROLE_ACTIONS.Owner],
  'member:Manager': [...TENANT_USER, ...PROJECT_ROLE_ACTIONS.Manager],
  'member:Member': [...TENANT_USER, ...PROJECT_ROLE_ACTIONS.Member],
  'member:Consumer': [...TENANT_USER, ...PROJECT_ROLE_ACTIONS.Consumer],
};

/** What a scoped token (a key with `scopes`) may do at most, whatever its role. */
const SCOPED_TOKEN_ACTIONS: readonly Action[] = ['environments.read', 'secrets.read'];

/** Whether the caller acts for the whole tenant: a tenant key, a logged-in user or a personal key. */
export function isTenantWide(principal: Principal): boolean {
  return principal.scope === 'tenant' || principal.scope === 'personal';
}

/** Whether projects are visible to the caller only through project memberships (tenant Users and Viewers). */
export function actsByMembership(principal: Principal): boolean {
  return isTenantWide(principal) && (principal.role === 'User' || principal.role === 'Viewer');
}

/** The caller's role in the project, for callers who act by membership. */
export function projectRoleOf(principal: Principal, projectId: string): ProjectRole | undefined {
  return principal.access?.projects.get(projectId);
}

/** Whether a restricted environment's member list keeps the caller out (project Owners are never kept out). */
function shutOut(principal: Principal, projectId: string, environmentId: string): boolean {
  return projectRoleOf(principal, projectId) !== 'Owner' && principal.access?.environments.get(environmentId) === false;
}

export function isAllowed(principal: Principal, action: Action, resource: Resource = {}): boolean {
  if (principal.scopes !== null && !SCOPED_TOKEN_ACTIONS.includes(action)) return false;
  if (actsByMembership(principal)) {
    if (resource.projectId === undefined) return PERMISSIONS[`tenant:${principal.role}`]!.includes(action);
    const role = projectRoleOf(principal, resource.projectId);
    if (role === undefined || !PROJECT_ROLE_ACTIONS[role].includes(action)) return false;
    return resource.environmentId === undefined || !shutOut(principal, resource.projectId, resource.environmentId);
  }
  // A personal key acts as its user, i.e. by `tenant:<user's role>`.
  const scope = principal.scope === 'personal' ? 'tenant' : principal.scope;
  if (!PERMISSIONS[`${scope}:${principal.role}`]?.includes(action)) return false;
  if (principal.scope === 'project') {
    // Project keys see only their project; tenant-wide resources (provider list) only to read.
    if (resource.projectId !== undefined) return resource.projectId === principal.projectId;
    return action === 'providers.read';
  }
  if (principal.scope === 'environment') {
    if (resource.environmentId !== undefined) return resource.environmentId === principal.environmentId;
    return false;
  }
  return true;
}

/**
 * The projects a listing shows the caller: undefined for all of the tenant's. Environment keys
 * list no projects (they reach theirs only through their environment).
 */
export function listableProjectIds(principal: Principal): readonly string[] | undefined {
  if (actsByMembership(principal)) return [...(principal.access?.projects.keys() ?? [])];
  if (principal.scope === 'project' || principal.scope === 'environment') return principal.projectId ? [principal.projectId] : [];
  return undefined;
}

/** Environments of the project a listing must leave out: restricted ones the caller is not listed on. */
export function hiddenEnvironmentIds(principal: Principal, projectId: string): string[] {
  if (!actsByMembership(principal) || projectRoleOf(principal, projectId) === 'Owner') return [];
  return [...(principal.access?.environments ?? [])].filter(([, listed]) => !listed).map(([id]) => id);
}

/**
 * Whether the caller may create, change or delete the project's Manager keys: a Manager key (or a
 * Manager member) minting Manager keys could outlive its own revocation, so it takes a tenant Owner
 * or Admin, or an Owner of the project.
 */
export function mayWriteProjectKeys(principal: Principal, projectId: string): boolean {
  if (!isAllowed(principal, 'apiKeys.write', { projectId })) return false;
  if (!isTenantWide(principal)) return false;
  return !actsByMembership(principal) || projectRoleOf(principal, projectId) === 'Owner';
}

/**
 * Throws NOT_FOUND when the caller may not do `action` on the resource: a caller must not learn
 * that something exists by being told it may not touch it. The error is marked so the HTTP layer
 * audits the denial (the caller sees a plain 404).
 */
export function authorize(principal: Principal, action: Action, resource: Resource, what: string): void {
  if (!isAllowed(principal, action, resource)) throw new KeygateError('NOT_FOUND', `${what} not found`, { extensions: { denied: action } });
}

/** The action a policy denial refused, if `error` is one. */
export function deniedAction(error: unknown): string | undefined {
  if (!isKeygateError(error)) return undefined;
  const denied = error.extensions?.denied;
  return typeof denied === 'string' ? denied : undefined;
}
