import { GroupCommit, type SqlClient } from '@keygate/core';
import { SCHEMA } from './schema.js';

/** A scope as the `scopes` table keys it: provider id, tenant, project, environment. */
export type ScopeKey = readonly [providerId: string, tenant: string, project: string, environment: string];

const ONE = `SELECT generation::text AS generation FROM ${SCHEMA}.scopes WHERE provider_id = $1 AND tenant = $2 AND project = $3 AND environment = $4`;
const MANY = `SELECT w.i::int AS i, g.generation::text AS generation
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS w(provider_id, tenant, project, environment, i)
  LEFT JOIN ${SCHEMA}.scopes g USING (provider_id, tenant, project, environment)`;

/** '0' for a scope never written: no row yet. */
async function generations(sql: SqlClient, scopes: readonly ScopeKey[]): Promise<string[]> {
  if (scopes.length === 1) {
    const { rows } = await sql.query<{ generation: string }>(ONE, scopes[0]);
    return [rows[0]?.generation ?? '0'];
  }
  const columns = [0, 1, 2, 3].map((c) => scopes.map((s) => s[c]));
  const { rows } = await sql.query<{ i: number; generation: string | null }>(MANY, columns);
  const result = new Array<string>(scopes.length).fill('0');
  for (const row of rows) result[row.i - 1] = row.generation ?? '0';
  return result;
}

const groups = new WeakMap<SqlClient, GroupCommit<ScopeKey, string>>();

/**
 * The current write generation of a scope, read fresh from the database: every call is answered
 * by a statement sent after it was made (a check in flight does not answer calls that come after
 * it), so a reader never trusts a cached copy older than a write committed before its read began,
 * on any replica. Checks made together, by every Local session on the same database, share one
 * statement (each distinct scope asked once), which under load turns a round trip per read into a
 * fraction of one.
 */
export function currentGeneration(sql: SqlClient, scope: ScopeKey): Promise<string> {
  let group = groups.get(sql);
  if (!group) {
    group = new GroupCommit<ScopeKey, string>(async (batch) => {
      const index = new Map<string, number>();
      const distinct: ScopeKey[] = [];
      const slots = batch.map((scope) => {
        const id = scope.join('\n');
        let slot = index.get(id);
        if (slot === undefined) {
          slot = distinct.push(scope) - 1;
          index.set(id, slot);
        }
        return slot;
      });
      const found = await generations(sql, distinct);
      return slots.map((slot) => found[slot]!);
    });
    groups.set(sql, group);
  }
  return group.add(scope);
}
