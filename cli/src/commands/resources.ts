import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Environment, Project, Provider } from '@keygate/sdk';
import { UsageError } from '../errors.js';
import { note, printJson } from '../io.js';
import type { Session } from '../session.js';
import type { Command } from './command.js';
import { dispatch, list, operands, printList } from './subcommands.js';

const describe = { slug: { type: 'string' }, description: { type: 'string' } } as const;

export const projects: Command = {
  name: 'projects',
  options: describe,
  help: `Usage: keygate projects list
       keygate projects create NAME [--slug SLUG] [--description TEXT]
       keygate projects delete REF

All take --json. Creating and deleting need a tenant Owner or Admin (or a user with that role).
`,
  run: (input) =>
    dispatch('projects', {
      list: async ({ flags, io, session }, args) => {
        operands('keygate projects list', args, []);
        const { items } = await (await session()).gateway().send((client, signal) => client.GET('/api/v1/projects', { params: { query: { limit: 200 } }, signal }));
        printList<Project>(io, flags.boolean('json'), items, [['SLUG', (p) => p.slug], ['NAME', (p) => p.name], ['ID', (p) => p.id], ['DESCRIPTION', (p) => p.description]], 'no projects');
        return 0;
      },
      create: async ({ flags, io, session }, args) => {
        const [name] = operands('keygate projects create NAME', args, ['NAME']) as [string];
        const slug = flags.string('slug');
        const description = flags.string('description');
        const project = await (await session()).gateway().send((client, signal) =>
          client.POST('/api/v1/projects', { body: { name, ...(slug === undefined ? {} : { slug }), ...(description === undefined ? {} : { description }) }, signal }),
        );
        if (flags.boolean('json')) printJson(io, project);
        else note(io, `created project ${project.slug} (${project.id})`);
        return 0;
      },
      delete: async ({ flags, io, session }, args) => {
        const [ref] = operands('keygate projects delete REF', args, ['REF']) as [string];
        await (await session()).gateway().sendNoContent((client, signal) => client.DELETE('/api/v1/projects/{projectRef}', { params: { path: { projectRef: ref } }, signal }));
        if (flags.boolean('json')) printJson(io, { deleted: true, project: ref });
        else note(io, `deleted project ${ref}`);
        return 0;
      },
    }, input),
};

export const environments: Command = {
  name: 'environments',
  options: { ...describe, providers: { type: 'string' } },
  help: `Usage: keygate environments list                [-p PROJECT]
       keygate environments create NAME         [-p PROJECT] [--slug SLUG] [--description TEXT] [--providers a,b]
       keygate environments delete SLUG         [-p PROJECT]

--providers assigns providers (slugs or ids) in priority order; without it the environment gets
the project's default. All take --json.
`,
  run: (input) =>
    dispatch('environments', {
      list: async ({ flags, io, session }, args) => {
        operands('keygate environments list', args, []);
        const projectRef = projectOf(await session());
        const { items } = await (await session()).gateway().send((client, signal) =>
          client.GET('/api/v1/projects/{projectRef}/environments', { params: { path: { projectRef }, query: { limit: 200 } }, signal }),
        );
        printList<Environment>(io, flags.boolean('json'), items, [['SLUG', (e) => e.slug], ['NAME', (e) => e.name], ['PROVIDERS', (e) => e.providers.join(',')], ['ID', (e) => e.id]], `no environments in ${projectRef}`);
        return 0;
      },
      create: async ({ flags, io, session }, args) => {
        const [name] = operands('keygate environments create NAME', args, ['NAME']) as [string];
        const projectRef = projectOf(await session());
        const slug = flags.string('slug');
        const description = flags.string('description');
        const providerIds = list(flags.string('providers'));
        const environment = await (await session()).gateway().send((client, signal) =>
          client.POST('/api/v1/projects/{projectRef}/environments', {
            params: { path: { projectRef } },
            body: { name, ...(slug === undefined ? {} : { slug }), ...(description === undefined ? {} : { description }), ...(providerIds.length === 0 ? {} : { providerIds }) },
            signal,
          }),
        );
        if (flags.boolean('json')) printJson(io, environment);
        else note(io, `created environment ${projectRef}/${environment.slug} (${environment.id}; providers ${environment.providers.join(', ')})`);
        return 0;
      },
      delete: async ({ flags, io, session }, args) => {
        const [envSlug] = operands('keygate environments delete SLUG', args, ['SLUG']) as [string];
        const projectRef = projectOf(await session());
        await (await session()).gateway().sendNoContent((client, signal) =>
          client.DELETE('/api/v1/projects/{projectRef}/environments/{envSlug}', { params: { path: { projectRef, envSlug } }, signal }),
        );
        if (flags.boolean('json')) printJson(io, { deleted: true, project: projectRef, environment: envSlug });
        else note(io, `deleted environment ${projectRef}/${envSlug}`);
        return 0;
      },
    }, input),
};

export const providers: Command = {
  name: 'providers',
  options: { ...describe, type: { type: 'string' }, config: { type: 'string' } },
  help: `Usage: keygate providers list
       keygate providers create NAME --type TYPE [--config JSON|@FILE] [--slug SLUG] [--description TEXT]
       keygate providers delete REF

TYPE is Vault, AwsSecretsManager, AwsParameterStore, AzureKeyVault, GoogleSecretManager, HttpRest,
Local or a plugin's. --config is the provider's configuration as JSON, or @FILE to read it from a
file (keeps credentials out of the process list). Credentials come back masked. All take --json.
`,
  run: (input) =>
    dispatch('providers', {
      list: async ({ flags, io, session }, args) => {
        operands('keygate providers list', args, []);
        const { items } = await (await session()).gateway().send((client, signal) => client.GET('/api/v1/providers', { params: { query: { limit: 200 } }, signal }));
        printList<Provider>(io, flags.boolean('json'), items, [['SLUG', (p) => p.slug], ['TYPE', (p) => p.type], ['NAME', (p) => p.name], ['ID', (p) => p.id]], 'no providers');
        return 0;
      },
      create: async ({ flags, io, session }, args) => {
        const [name] = operands('keygate providers create NAME --type TYPE', args, ['NAME']) as [string];
        const type = flags.string('type');
        if (type === undefined) throw new UsageError('missing --type', 'e.g. --type Vault; "keygate providers --help" lists the types');
        const configuration = await readConfiguration(flags.string('config'), io.cwd);
        const slug = flags.string('slug');
        const description = flags.string('description');
        const provider = await (await session()).gateway().send((client, signal) =>
          client.POST('/api/v1/providers', { body: { name, type, configuration, ...(slug === undefined ? {} : { slug }), ...(description === undefined ? {} : { description }) }, signal }),
        );
        if (flags.boolean('json')) printJson(io, provider);
        else note(io, `created provider ${provider.slug} (${provider.type}, ${provider.id})`);
        return 0;
      },
      delete: async ({ flags, io, session }, args) => {
        const [ref] = operands('keygate providers delete REF', args, ['REF']) as [string];
        await (await session()).gateway().sendNoContent((client, signal) => client.DELETE('/api/v1/providers/{providerRef}', { params: { path: { providerRef: ref } }, signal }));
        if (flags.boolean('json')) printJson(io, { deleted: true, provider: ref });
        else note(io, `deleted provider ${ref}`);
        return 0;
      },
    }, input),
};

/** The project from -p, the environment or a context file (not from a key: these are admin commands). */
function projectOf(session: Session): string {
  if (session.context.project !== undefined) return session.context.project.value;
  throw new UsageError('no project given', 'pass -p/--project, set KEYGATE_PROJECT, or add "project = …" to a .keygate file');
}

async function readConfiguration(value: string | undefined, cwd: string): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = await readFile(resolve(cwd, value.slice(1)), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The text may hold credentials: say where, not what.
    throw new UsageError('--config is not valid JSON', 'pass a JSON object, or @FILE');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--config must be a JSON object');
  return parsed as Record<string, unknown>;
}
