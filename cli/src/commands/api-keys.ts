import type { components } from '@keygate/sdk';
import { UsageError } from '../errors.js';
import type { Gateway, Target } from '../gateway.js';
import { note, printJson, type Io } from '../io.js';
import type { Command } from './command.js';
import { dispatch, list, operands, positiveInteger, printList } from './subcommands.js';

type ApiKey = components['schemas']['ApiKey'];
type Created = components['schemas']['ApiKeyCreated'];
type Level = 'environment' | 'project' | 'tenant';

export const apiKeys: Command = {
  name: 'api-keys',
  options: {
    level: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    'expires-in-days': { type: 'string' },
  },
  help: `Usage: keygate api-keys list                 [--level environment|project|tenant]
       keygate api-keys create               [--level …] [--role ROLE] [--name NAME] [--description TEXT] [--expires-in-days N]
       keygate api-keys delete ID            [--level …]

--level environment (the default) works on -p/-e's keys: role Consumer (reads, the default) or
Member (reads and writes). project: Manager keys of -p. tenant: Owner, Admin, User or Viewer keys.
create prints the key on stdout, once: it cannot be shown again. All take --json.

Examples:
  keygate api-keys create -p shop -e production --name deploy-bot --expires-in-days 90
  keygate api-keys list --level tenant --json
`,
  run: (input) =>
    dispatch('api-keys', {
      list: async ({ flags, io, session }, args) => {
        operands('keygate api-keys list', args, []);
        const s = await session();
        const at = await where(flags.string('level'), s.gateway(), () => s.target(), s.context.project?.value);
        const gateway = s.gateway();
        const query = { limit: 200 };
        const page =
          at.level === 'tenant'
            ? await gateway.send((client, signal) => client.GET('/api/v1/api-keys', { params: { query }, signal }))
            : at.level === 'project'
              ? await gateway.send((client, signal) => client.GET('/api/v1/projects/{projectRef}/api-keys', { params: { path: { projectRef: at.ref }, query }, signal }))
              : await gateway.send((client, signal) => client.GET('/api/v1/environments/{environmentId}/api-keys', { params: { path: { environmentId: at.ref }, query }, signal }));
        printList<ApiKey>(
          io,
          flags.boolean('json'),
          page.items,
          [['ID', (k) => k.id], ['KEY', (k) => k.keyPrefix], ['ROLE', (k) => k.role], ['NAME', (k) => k.clientName], ['ENABLED', (k) => String(k.enabled)], ['EXPIRES', (k) => k.expiresAt ?? 'never']],
          'no API keys',
        );
        return 0;
      },
      create: async ({ flags, io, session }, args) => {
        operands('keygate api-keys create', args, []);
        const s = await session();
        const gateway = s.gateway();
        const at = await where(flags.string('level'), gateway, () => s.target(), s.context.project?.value);
        const name = flags.string('name');
        const description = flags.string('description');
        const expiresInDays = positiveInteger('--expires-in-days', flags.string('expires-in-days'));
        const common = { ...(name === undefined ? {} : { clientName: name }), ...(description === undefined ? {} : { description }), ...(expiresInDays === undefined ? {} : { expiresInDays }) };
        const role = flags.string('role');
        let created: Created;
        if (at.level === 'tenant') {
          if (role !== 'Owner' && role !== 'Admin' && role !== 'User' && role !== 'Viewer') throw new UsageError('a tenant key needs --role Owner, Admin, User or Viewer');
          created = await gateway.send((client, signal) => client.POST('/api/v1/api-keys', { body: { role, ...common }, signal }));
        } else if (at.level === 'project') {
          if (role !== undefined && role !== 'Manager') throw new UsageError('a project key has the role Manager');
          created = await gateway.send((client, signal) => client.POST('/api/v1/projects/{projectRef}/api-keys', { params: { path: { projectRef: at.ref } }, body: common, signal }));
        } else {
          if (role !== undefined && role !== 'Consumer' && role !== 'Member') throw new UsageError('an environment key has the role Consumer (the default) or Member');
          created = await gateway.send((client, signal) =>
            client.POST('/api/v1/environments/{environmentId}/api-keys', { params: { path: { environmentId: at.ref } }, body: { ...common, ...(role === undefined ? {} : { role }) }, signal }),
          );
        }
        printCreated(io, flags.boolean('json'), created, at.label);
        return 0;
      },
      delete: async ({ flags, io, session }, args) => {
        const [id] = operands('keygate api-keys delete ID', args, ['ID']) as [string];
        const s = await session();
        const gateway = s.gateway();
        const at = await where(flags.string('level'), gateway, () => s.target(), s.context.project?.value);
        if (at.level === 'tenant') await gateway.sendNoContent((client, signal) => client.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } }, signal }));
        else if (at.level === 'project') await gateway.sendNoContent((client, signal) => client.DELETE('/api/v1/projects/{projectRef}/api-keys/{id}', { params: { path: { projectRef: at.ref, id } }, signal }));
        else await gateway.sendNoContent((client, signal) => client.DELETE('/api/v1/environments/{environmentId}/api-keys/{id}', { params: { path: { environmentId: at.ref, id } }, signal }));
        if (flags.boolean('json')) printJson(io, { deleted: true, id });
        else note(io, `deleted API key ${id} of ${at.label}`);
        return 0;
      },
    }, input),
};

export const issue: Command = {
  name: 'issue',
  options: { scope: { type: 'string' }, ttl: { type: 'string' }, reason: { type: 'string' } },
  help: `Usage: keygate issue --scope A[,B…] --ttl MINUTES --reason TEXT [-p PROJECT] [-e ENV] [--json]

Issues a token (a bax-… key) that reads only the secrets of the environment whose tags.scope names
one of the scopes, and expires after --ttl minutes (at most 480). The reason is recorded in the
audit trail. The token is printed on stdout, once; --json adds its expiry and scopes.

Example:
  TOKEN=$(keygate issue --scope payments --ttl 15 --reason "nightly export")
`,
  async run({ flags, operands: args, io, session }) {
    operands('keygate issue --scope A,B --ttl MINUTES --reason TEXT', args, []);
    const scopes = list(flags.string('scope'));
    if (scopes.length === 0) throw new UsageError('missing --scope', 'name the secret scopes the token may read: --scope a,b');
    const ttlMinutes = positiveInteger('--ttl', flags.string('ttl'));
    if (ttlMinutes === undefined) throw new UsageError('missing --ttl', 'the lifetime in minutes, e.g. --ttl 15');
    const reason = flags.string('reason');
    if (reason === undefined || reason.trim() === '') throw new UsageError('missing --reason', 'say why the token is needed; it is recorded in the audit trail');
    const s = await session();
    const gateway = s.gateway();
    const environmentId = await gateway.environmentId(await s.target());
    const issued = await gateway.send((client, signal) => client.POST('/api/v1/environments/{environmentId}/tokens/issue', { params: { path: { environmentId } }, body: { scopes, ttlMinutes, reason }, signal }));
    if (flags.boolean('json')) printJson(io, issued);
    else {
      io.stdout.write(`${issued.token}\n`);
      note(io, `token for scopes ${issued.scopes.join(', ')}, valid until ${issued.expiresAt}; it is not shown again`);
    }
    return 0;
  },
};

interface Where {
  level: Level;
  /** Environment id or project ref; empty for the tenant. */
  ref: string;
  label: string;
}

async function where(level: string | undefined, gateway: Gateway, target: () => Promise<Target>, project: string | undefined): Promise<Where> {
  const chosen = level ?? 'environment';
  if (chosen === 'tenant') return { level: 'tenant', ref: '', label: 'the tenant' };
  if (chosen === 'project') {
    if (project === undefined) throw new UsageError('no project given', 'pass -p/--project');
    return { level: 'project', ref: project, label: `project ${project}` };
  }
  if (chosen !== 'environment') throw new UsageError(`--level must be environment, project or tenant, not "${chosen}"`);
  const t = await target();
  return { level: 'environment', ref: await gateway.environmentId(t), label: `${t.project}/${t.environment}` };
}

function printCreated(io: Io, json: boolean, created: Created, label: string): void {
  if (json) {
    printJson(io, created);
    return;
  }
  io.stdout.write(`${created.apiKey}\n`);
  note(io, `created API key ${created.keyPrefix} (id ${created.id}) for ${label}${created.expiresAt === null ? '' : `, expires ${created.expiresAt}`}; it is not shown again`);
}
