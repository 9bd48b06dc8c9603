import { KeygateApiError, type SecretMetadata, type SecretType, type SecretWithValue } from '@keygate/sdk';
import type { Flags } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import type { Gateway, Target } from '../gateway.js';
import { formatTable, note, printJson, readAll, type Io } from '../io.js';
import { parseDotenv } from '../dotenv.js';
import type { Command } from './command.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The server's pattern (openapi.yaml `SecretKey`), checked here so a typo is a usage error, not a 400. */
const SECRET_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/;
const SECRET_TYPES: readonly SecretType[] = ['string', 'json', 'binary'];

interface Call {
  flags: Flags;
  args: readonly string[];
  io: Io;
  gateway: Gateway;
  target: Target;
}

type Subcommand = (call: Call) => Promise<number>;

export const secrets: Command = {
  name: 'secrets',
  options: {
    provider: { type: 'string' },
    description: { type: 'string' },
    type: { type: 'string' },
  },
  help: `Usage: keygate secrets list               [--provider SLUG]
       keygate secrets get KEY            [--provider SLUG]
       keygate secrets set KEY VALUE|-    [--provider SLUG] [--description TEXT] [--type string|json|binary]
       keygate secrets delete KEY         [--provider SLUG]
       keygate secrets push [FILE|-]      [--provider SLUG]
       keygate secrets rotate KEY         [--provider SLUG]

  list     keys and metadata (never values) of every provider of the environment, in priority
           order, or of --provider only
  get      prints the value, taken from the first provider (in priority order) that has KEY,
           or from --provider; with --json, the value and its metadata
  set      creates or replaces KEY; VALUE "-" reads the value from stdin, exactly as given
           (a value on the command line ends up in your shell history)
  delete   removes KEY
  push     sets every KEY=value of a .env file (default .env; "-" reads stdin): comments,
           "export " prefixes, "…" (with \\n, \\" and \\$ escapes) and '…' quoting, values
           spanning lines, "=" inside values. The whole file is checked before anything is sent.
  rotate   Rotate Now: starts a run of KEY's rotation policy (it needs one) and prints the run;
           the rotation itself happens on the server, asynchronously

set, delete, push and rotate act on --provider, by default the environment's first provider (where writes go).
All take -p/-e like every command, and --json.

Examples:
  keygate secrets list -p shop -e production
  keygate secrets set STRIPE_KEY - < stripe-key.txt
  printf %s "$TOKEN" | keygate secrets set API_TOKEN - --description "payments API"
  keygate secrets get DATABASE_URL
  keygate secrets delete OLD_TOKEN --provider vault
  keygate secrets push .env.production -e production
  keygate secrets rotate DB_PASSWORD --provider vault
`,

  async run({ flags, operands, io, session: openSession }) {
    const [name, ...args] = operands;
    if (name === undefined) throw new UsageError('missing subcommand', 'keygate secrets list|get|set|delete|push|rotate; see keygate secrets --help');
    const subcommand = SUBCOMMANDS[name];
    if (subcommand === undefined) throw new UsageError(`unknown subcommand "secrets ${name}"`, 'use list, get, set, delete, push or rotate');
    if (name !== 'set' && (flags.string('description') !== undefined || flags.string('type') !== undefined)) {
      throw new UsageError('--description and --type only apply to "secrets set"');
    }
    const session = await openSession();
    const target = await session.target();
    return subcommand({ flags, args, io, gateway: session.gateway(), target });
  },
};

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  push: async ({ flags, args, io, gateway, target }) => {
    if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`, 'keygate secrets push [FILE|-]');
    const file = args[0] ?? '.env';
    let text: string;
    try {
      text = file === '-' ? (await readAll(io.stdin)).toString('utf8') : await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'name an existing .env file, or "-" for stdin');
    }
    const entries = parseDotenv(text, file === '-' ? 'stdin' : file);
    for (const key of entries.keys()) {
      if (!SECRET_KEY.test(key)) throw new UsageError(`invalid key "${key}" in ${file}`, 'keys are at most 255 letters, digits, "_", "." and "-"');
    }
    const explicit = flags.string('provider');
    const provider = explicit ?? (await gateway.defaultProvider(target));
    const pushed: string[] = [];
    for (const [key, value] of entries) {
      await gateway.setSecret(target, provider, key, value, {}).catch((error: unknown) => {
        const done = pushed.length === 0 ? 'nothing was written' : `${pushed.length} of ${entries.size} were written before it`;
        if (error instanceof CliError) throw error;
        const failure = explicit === undefined ? error : providerNotFound(error, target, explicit);
        if (failure instanceof KeygateApiError) throw new CliError(`pushing ${key} failed: ${failure.detail ?? failure.title} (HTTP ${failure.status})`, `${done}; fix it and push again (pushing is idempotent)`);
        throw failure;
      });
      pushed.push(key);
    }
    if (flags.boolean('json')) printJson(io, { pushed, provider, project: target.project, environment: target.environment });
    else note(io, `pushed ${pushed.length} secret${pushed.length === 1 ? '' : 's'} from ${file} to ${target.project}/${target.environment} (provider ${provider})`);
    return 0;
  },

  list: async ({ flags, args, io, gateway, target }) => {
    expectArgs('list', args, []);
    const provider = flags.string('provider');
    const providers = provider === undefined ? await gateway.providers(target) : [provider];
    const rows: SecretMetadata[] = [];
    for (const slug of providers) {
      const items = await gateway.listSecrets(target, slug).catch((error: unknown) => {
        throw provider === undefined ? error : providerNotFound(error, target, provider);
      });
      rows.push(...items);
    }
    if (flags.boolean('json')) {
      printJson(io, rows);
    } else if (rows.length === 0) {
      note(io, `no secrets in ${target.project}/${target.environment}`);
    } else {
      const table = [['KEY', 'PROVIDER', 'TYPE', 'UPDATED', 'DESCRIPTION'], ...rows.map((row) => [row.key, row.provider, row.type, row.updatedAt ?? '', row.description])];
      io.stdout.write(formatTable(table));
    }
    return 0;
  },

  get: async ({ flags, args, io, gateway, target }) => {
    const [key] = expectArgs('get', args, ['KEY']);
    const read = (provider: string): Promise<SecretWithValue> => gateway.getSecret(target, provider, key);
    const explicit = flags.string('provider');
    let secret: SecretWithValue | undefined;
    if (explicit === undefined) {
      secret = await firstFound(await gateway.providers(target), read);
      if (secret === undefined) throw new CliError(`no secret ${key} in ${target.project}/${target.environment}`, '"keygate secrets list" shows the keys');
    } else {
      secret = await read(explicit).catch((error: unknown) => {
        throw notFoundIn(error, key, target, explicit);
      });
    }
    if (flags.boolean('json')) printJson(io, secret);
    // Exactly the value when piped or captured; a newline only to keep a terminal prompt apart.
    else io.stdout.write(io.stdoutIsTty ? `${secret.value}\n` : secret.value);
    return 0;
  },

  set: async ({ flags, args, io, gateway, target }) => {
    const [key, given] = expectArgs('set', args, ['KEY', 'VALUE']);
    const type = flags.string('type');
    if (type !== undefined && !isSecretType(type)) throw new UsageError(`--type must be one of ${SECRET_TYPES.join(', ')}`);
    const description = flags.string('description');
    let value = given;
    if (given === '-') {
      if (io.stdinIsTty) note(io, 'reading the value from stdin; end it with Ctrl-D');
      value = (await readAll(io.stdin)).toString('utf8');
    }
    const explicit = flags.string('provider');
    const provider = explicit ?? (await gateway.defaultProvider(target));
    const metadata = await gateway
      .setSecret(target, provider, key, value, {
        ...(description === undefined ? {} : { description }),
        ...(type === undefined ? {} : { type }),
      })
      .catch((error: unknown) => {
        throw explicit === undefined ? error : providerNotFound(error, target, explicit);
      });
    if (flags.boolean('json')) printJson(io, metadata);
    else note(io, `set ${key} in ${target.project}/${target.environment} (provider ${metadata.provider}${metadata.version === undefined ? '' : `, version ${metadata.version}`})`);
    return 0;
  },

  rotate: async ({ flags, args, io, gateway, target }) => {
    const [key] = expectArgs('rotate', args, ['KEY']);
    const provider = flags.string('provider') ?? (await gateway.defaultProvider(target));
    const path = { projectRef: target.project, envSlug: target.environment, providerRef: provider, key };
    const run = await gateway
      .send((client, signal) => client.POST('/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}/rotate', { params: { path }, signal }))
      .catch((error: unknown) => {
        if (!(error instanceof KeygateApiError) || error.status !== 404) throw error;
        throw new CliError(`${error.detail ?? `no rotation policy for ${key}`} (HTTP 404)`, `does ${key} in provider ${provider} have a rotation policy? (PUT …/secrets/${key}/rotation-policy)`);
      });
    if (flags.boolean('json')) printJson(io, run);
    else note(io, `rotation of ${key} in ${target.project}/${target.environment} (provider ${provider}) started: run ${run.runId}, ${run.state}`);
    return 0;
  },

  delete: async ({ flags, args, io, gateway, target }) => {
    const [key] = expectArgs('delete', args, ['KEY']);
    const provider = flags.string('provider') ?? (await gateway.defaultProvider(target));
    try {
      await gateway.deleteSecret(target, provider, key);
    } catch (error) {
      throw notFoundIn(error, key, target, provider);
    }
    if (flags.boolean('json')) printJson(io, { deleted: true, key, provider, project: target.project, environment: target.environment });
    else note(io, `deleted ${key} from ${target.project}/${target.environment} (provider ${provider})`);
    return 0;
  },
};

type Operands<Names extends readonly string[]> = { -readonly [K in keyof Names]: string };

/** Checks the operand count and the key's shape; returns the operands, one per name. */
function expectArgs<const Names extends readonly string[]>(name: string, args: readonly string[], names: Names): Operands<Names> {
  if (args.length < names.length) {
    throw new UsageError(`missing ${names.slice(args.length).join(' and ')}`, `keygate secrets ${name} ${names.join(' ')}`);
  }
  if (args.length > names.length) {
    const hint = name === 'set' ? 'quote a value with spaces, or pass "-" and give it on stdin' : `keygate secrets ${name} ${names.join(' ')}`;
    throw new UsageError(`unexpected argument "${args[names.length]}"`, hint);
  }
  const key = args[0];
  if (key !== undefined && !SECRET_KEY.test(key)) {
    throw new UsageError(`invalid key "${key}"`, 'keys are letters, digits, "_", "." and "-", not starting with a digit, "." or "-" (at most 255)');
  }
  // The count was checked just above, which the type system cannot follow.
  return [...args] as unknown as Operands<Names>;
}

/**
 * Reads from each provider in priority order, as the merged environment read does: the first that
 * has the key wins. The providers were just listed, so a 404 here means "not in this one".
 */
async function firstFound(providers: readonly string[], read: (provider: string) => Promise<SecretWithValue>): Promise<SecretWithValue | undefined> {
  for (const provider of providers) {
    try {
      return await read(provider);
    } catch (error) {
      if (!(error instanceof KeygateApiError && error.status === 404)) throw error;
    }
  }
  return undefined;
}

/** With an explicit provider a 404 may mean the key, the provider or the environment: the server says which. */
function notFoundIn(error: unknown, key: string, target: Target, provider: string): unknown {
  if (!(error instanceof KeygateApiError) || error.status !== 404) return error;
  return new CliError(`${error.detail ?? `no secret ${key}`} (HTTP 404)`, `is ${key} in provider ${provider} of ${target.project}/${target.environment}? "keygate secrets list" shows the keys`);
}

/** A 404 naming an explicit --provider is most likely about that provider; the server's text says. */
function providerNotFound(error: unknown, target: Target, provider: string): unknown {
  if (!(error instanceof KeygateApiError) || error.status !== 404) return error;
  return new CliError(`${error.detail ?? error.title} (HTTP 404)`, `is provider ${provider} assigned to ${target.project}/${target.environment}? check -p, -e and --provider`);
}

function isSecretType(value: string): value is SecretType {
  return (SECRET_TYPES as readonly string[]).includes(value);
}
