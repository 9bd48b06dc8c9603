import type { Flags } from '../args.js';
import { UsageError } from '../errors.js';
import type { AccessLogQuery, Gateway } from '../gateway.js';
import { formatTable, note, printJson, type Io } from '../io.js';
import type { Command } from './command.js';

const MAX_PAGE = 200;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const audit: Command = {
  name: 'audit',
  options: {
    action: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
  },
  help: `Usage: keygate audit list   [--action ACTION] [--since WHEN] [--limit N] [--json]
       keygate audit verify [--json]

  list     the tenant's audit rows, newest first: when, who, what, on what, and the outcome
           --action   only this action, e.g. secret.read, auth.denied, member.add
           --since    only rows from then on: an ISO-8601 time (2026-01-02T03:04:05Z) or a
                      duration back from now (30s, 15m, 2h, 7d)
           --limit    at most N rows (1-${MAX_PAGE}, default 50)
  verify   has the gateway recompute the audit trail's hash chain; exits 0 when it is intact,
           1 when a link is broken (and names the first broken row)

Needs a key that may read the audit trail (tenant Owner, Admin or Viewer; verify: Owner or
Admin). With --json, list prints the page as the API returns it and verify its result.

Examples:
  keygate audit list --action auth.denied --since 1h
  keygate audit verify || echo "the audit trail was tampered with"
`,

  async run({ flags, operands, io, session: openSession }) {
    const [name, ...rest] = operands;
    if (name === undefined) throw new UsageError('missing subcommand', 'keygate audit list|verify; see keygate audit --help');
    if (name !== 'list' && name !== 'verify') throw new UsageError(`unknown subcommand "audit ${name}"`, 'use list or verify');
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, `keygate audit ${name} takes flags only`);
    if (name === 'verify') {
      for (const flag of ['action', 'since', 'limit']) if (flags.string(flag) !== undefined) throw new UsageError(`--${flag} only applies to "audit list"`);
      return verify(flags, io, (await openSession()).gateway());
    }
    const query = listQuery(flags, new Date());
    return list(flags, io, (await openSession()).gateway(), query);
  },
};

/** The query of `audit list`, checked before anything is sent. */
export function listQuery(flags: Flags, now: Date): AccessLogQuery {
  const query: AccessLogQuery = { limit: 50 };
  const action = flags.string('action');
  if (action !== undefined) {
    if (action === '' || action.length > 60) throw new UsageError('--action must be 1-60 characters, e.g. secret.read');
    query.action = action;
  }
  const since = flags.string('since');
  if (since !== undefined) query.from = sinceTime(since, now);
  const limit = flags.string('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE}, not "${limit}"`);
    query.limit = n;
  }
  return query;
}

function sinceTime(value: string, now: Date): string {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) return wholeSeconds(new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2]!]!));
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) return wholeSeconds(new Date(value));
  throw new UsageError(`--since must be an ISO-8601 time or a duration like 15m, not "${value}"`, 'e.g. --since 2026-01-02T03:04:05Z, --since 2h, --since 7d');
}

function wholeSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function list(flags: Flags, io: Io, gateway: Gateway, query: AccessLogQuery): Promise<number> {
  const page = await gateway.accessLogs(query);
  if (flags.boolean('json')) {
    printJson(io, page);
    return 0;
  }
  if (page.items.length === 0) {
    note(io, 'no audit rows match');
    return 0;
  }
  const header = ['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'STATUS'];
  const rows = page.items.map((row) => [row.occurredAt, `${row.actorType}:${row.actorId}`, row.action, row.target, row.outcome, row.status === null ? '' : String(row.status)]);
  io.stdout.write(formatTable([header, ...rows]));
  if (page.total > page.items.length) note(io, `${page.items.length} of ${page.total} rows shown; narrow with --action/--since or raise --limit`);
  return 0;
}

async function verify(flags: Flags, io: Io, gateway: Gateway): Promise<number> {
  const result = await gateway.verifyAccessLogs();
  if (flags.boolean('json')) printJson(io, result);
  else if (result.ok) io.stdout.write(`audit trail intact: ${result.checked} rows checked\n`);
  else io.stdout.write(`audit trail broken at row ${result.brokenAtSeq ?? '?'}: ${result.reason ?? 'hash mismatch'} (${result.checked} rows intact before it)\n`);
  return result.ok ? 0 : 1;
}
