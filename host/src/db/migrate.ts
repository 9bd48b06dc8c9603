import type { Knex } from 'knex';
import * as foundation from './migrations/0001-foundation.js';
import * as changeNotifications from './migrations/0002-change-notifications.js';
import * as auditAppend from './migrations/0003-audit-append.js';
import * as seenSignatures from './migrations/0004-seen-signatures.js';
import * as auditScope from './migrations/0005-audit-scope.js';
import * as apiKeyScopes from './migrations/0006-api-key-scopes.js';
import * as users from './migrations/0007-users.js';
import * as personalApiKeys from './migrations/0008-personal-api-keys.js';
import * as memberships from './migrations/0009-memberships.js';
import * as rotation from './migrations/0010-rotation.js';
import * as trustDomains from './migrations/0011-trust-domains.js';
import * as issuedKeysAndWakeups from './migrations/0012-issued-keys-and-wakeups.js';
import * as compactSeenSignatures from './migrations/0013-compact-seen-signatures.js';
import * as wakeupIndexesAndAutovacuum from './migrations/0014-wakeup-indexes-and-autovacuum.js';
import * as auditAppendSetBased from './migrations/0015-audit-append-set-based.js';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

/**
 * Migrations are imported statically and named without file extensions, so the same names are
 * recorded whether the host runs from TypeScript sources (tests) or compiled JavaScript.
 */
const MIGRATIONS: Array<readonly [string, Migration]> = [
  ['0001-foundation', foundation],
  ['0002-change-notifications', changeNotifications],
  ['0003-audit-append', auditAppend],
  ['0004-seen-signatures', seenSignatures],
  ['0005-audit-scope', auditScope],
  ['0006-api-key-scopes', apiKeyScopes],
  ['0007-users', users],
  ['0008-personal-api-keys', personalApiKeys],
  ['0009-memberships', memberships],
  ['0010-rotation', rotation],
  ['0011-trust-domains', trustDomains],
  ['0012-issued-keys-and-wakeups', issuedKeysAndWakeups],
  ['0013-compact-seen-signatures', compactSeenSignatures],
  ['0014-wakeup-indexes-and-autovacuum', wakeupIndexesAndAutovacuum],
  ['0015-audit-append-set-based', auditAppendSetBased],
];

const source: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

/** Brings the schema up to date; knex's migration lock makes concurrent replicas wait in turn. */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource: source, tableName: 'keygate_migrations' });
}
