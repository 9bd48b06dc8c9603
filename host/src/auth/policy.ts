import { KeygateError, isKeygateError } from '@keygate/core';
import type { Principal } from '../http/request-context.js';

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
  | 'audit.read'
  | 'audit.verify'
  | 'users.read'
  | 'users.write';

export interface Resource {
  projectId?: string;
  environmentId?: string;
}

/**
 * The permission matrix, by key scope and role. Tenant keys act on the whole tenant; project and
 * environment keys only inside their project or environment. Environment keys never manage API
 * keys (not even their own environment's). Only tenant keys read the audit trail (`audit.read`), and
 * only Owners and Admins verify its hash chain (`audit.verify`) and manage users. Logged-in users act
 * as tenant principals with their `tenant_role`, and so do their personal keys (`personal:<role>`
 * is granted what `tenant:<role>` is, with the user's current role). (The full access model with users and
 * memberships builds on this table.)
 */
export const PERMISSIONS: Record<string, readonly Action[]> = {
  'tenant:Owner': ['providers.read', 'providers.write', 'projects.read', 'projects.write', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write', 'apiKeys.read', 'apiKeys.write', 'audit.read', 'audit.verify', 'users.read', 'users.write'],
  'tenant:Admin': ['providers.read', 'providers.write', 'projects.read', 'projects.write', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write', 'apiKeys.read', 'apiKeys.write', 'audit.read', 'audit.verify', 'users.read', 'users.write'],
  'tenant:User': ['providers.read', 'projects.read', 'environments.read'],
  'tenant:Viewer': ['providers.read', 'projects.read', 'environments.read', 'audit.read'],
  'project:Manager': ['providers.read', 'projects.read', 'environments.read', 'environments.write', 'secrets.read', 'secrets.write', 'apiKeys.read', 'apiKeys.write'],
  'environment:Member': ['environments.read', 'secrets.read', 'secrets.write'],
  'environment:Consumer': ['environments.read', 'secrets.read'],
};

/** What a scoped token (a key with `scopes`) may do at most, whatever its role. */
const SCOPED_TOKEN_ACTIONS: readonly Action[] = ['environments.read', 'secrets.read'];

/** The matrix row a caller acts by: a personal key acts as its user, i.e. `tenant:<user's role>`. */
function matrixRow(principal: Principal): readonly Action[] | undefined {
  const scope = principal.scope === 'personal' ? 'tenant' : principal.scope;
  return PERMISSIONS[`${scope}:${principal.role}`];
}

/** Whether the caller acts for the whole tenant: a tenant key, a logged-in user or a personal key. */
export function isTenantWide(principal: Principal): boolean {
  return principal.scope === 'tenant' || principal.scope === 'personal';
}

export function isAllowed(principal: Principal, action: Action, resource: Resource = {}): boolean {
  const allowed = matrixRow(principal);
  if (!allowed?.includes(action)) return false;
  if (principal.scopes !== null && !SCOPED_TOKEN_ACTIONS.includes(action)) return false;
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
