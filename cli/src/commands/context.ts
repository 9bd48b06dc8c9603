import { UsageError } from '../errors.js';
import { credentialsPath } from '../credentials.js';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Flags } from '../args.js';
import { CliError } from '../errors.js';
import { parseContextFile } from '../context.js';
import { formatTable, note, printJson, type Io } from '../io.js';
import type { Command } from './command.js';

export const context: Command = {
  name: 'context',
  options: { org: { type: 'string' }, force: { type: 'boolean' } },
  help: `Usage: keygate context [show] [-p PROJECT] [-e ENV] [--json]
       keygate context init -p PROJECT [-e ENV] [--org ORG] [--force]
       keygate context clear

init writes a .keygate file in the current directory ("project = …", "environment = …",
"org = …"; meant to be committed: it holds no credential), refusing to replace one without
--force. clear removes the .keygate file of the current directory.

Prints the URL, project, environment and org the other commands would use, and where each came
from (a flag, an environment variable, a .keygate/.bella file, or the default). It says whether
an API key is set and from where, never the key. Nothing is sent to the gateway.

Each setting is taken from the first of:
  URL          --url, KEYGATE_URL, BELLA_BAXTER_URL, the stored login's URL, default http://localhost:8080
  API key      --api-key, KEYGATE_API_KEY, BELLA_BAXTER_API_KEY, the login stored by "keygate
               login" (for its URL only), then keyless: a GitHub Actions or Kubernetes workload
               token exchanged for a short-lived key
  project      -p/--project, KEYGATE_PROJECT, BELLA_BAXTER_PROJECT, context file "project"
  environment  -e/--env, KEYGATE_ENV, BELLA_BAXTER_ENV, context file "environment" (or "env")
The context file is the nearest .keygate (or else .bella) walking up from the current directory:
"key = value" lines, "#" comments. When the project or environment is still unknown, the other
commands take them from the API key if it is scoped to an environment (not shown here).
`,

  async run({ flags, operands, io, session: openSession }) {
    const [sub, ...rest] = operands;
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'keygate context [show|init|clear] takes flags only');
    if (sub === 'init') return init(flags, io);
    if (sub === 'clear') return clear(flags, io);
    if (flags.boolean('force') || flags.string('org') !== undefined) throw new UsageError('--force and --org go with "context init"');
    if (sub !== undefined && sub !== 'show') throw new UsageError(`unknown subcommand "context ${sub}"`, 'use show (the default), init or clear');
    const session = await openSession();
    const { context: ctx, url, login } = session;
    // What would authenticate, in the order the other commands try it; nothing is sent.
    const credential =
      ctx.apiKey !== undefined
        ? { value: 'API key', source: ctx.apiKey.source }
        : login !== undefined
          ? { value: login.kind === 'user' ? `user ${login.email}` : 'API key', source: `the login stored in ${credentialsPath(io.env)}` }
          : (await session.mayBeKeyless())
            ? { value: 'keyless', source: 'a workload OIDC token (GitHub Actions or a token file), exchanged on use' }
            : undefined;
    if (flags.boolean('json')) {
      printJson(io, {
        url: { value: url, source: ctx.url.source },
        apiKey: ctx.apiKey === undefined ? null : { set: true, source: ctx.apiKey.source },
        credential: credential ?? null,
        project: ctx.project ?? null,
        environment: ctx.environment ?? null,
        org: ctx.org ?? null,
        file: ctx.file ?? null,
      });
      return 0;
    }
    const row = (name: string, value: string | undefined, source: string | undefined): string[] => [name, value ?? '(not set)', source === undefined ? '' : `from ${source}`];
    io.stdout.write(
      formatTable([
        row('url', url, ctx.url.source),
        row('credential', credential?.value, credential?.source),
        row('project', ctx.project?.value, ctx.project?.source),
        row('environment', ctx.environment?.value, ctx.environment?.source),
        row('org', ctx.org?.value, ctx.org?.source),
        row('context file', ctx.file ?? '(none found)', undefined),
      ]),
    );
    return 0;
  },
};

const FILE = '.keygate';

async function init(flags: Flags, io: Io): Promise<number> {
  const values: Array<[string, string | undefined]> = [
    ['project', flags.string('project')],
    ['environment', flags.string('env') ?? flags.string('environment')],
    ['org', flags.string('org')],
  ];
  if (values[0]![1] === undefined) throw new UsageError('context init needs -p/--project', 'keygate context init -p PROJECT [-e ENV] [--org ORG]');
  for (const [name, value] of values) {
    // One line per setting: a newline or "#" in a value would change what the file says.
    if (value !== undefined && (value.trim() === '' || /[\r\n#]/.test(value))) throw new UsageError(`invalid ${name} "${value}"`);
  }
  const path = join(io.cwd, FILE);
  const text = `# Keygate context (also read by Bella Baxter tools as .bella). No credentials here.\n${values
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name} = ${value.trim()}\n`)
    .join('')}`;
  parseContextFile(text, path);
  try {
    await writeFile(path, text, { flag: flags.boolean('force') ? 'w' : 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${path} already exists`, 'pass --force to replace it, or edit it');
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (flags.boolean('json')) printJson(io, { file: path, ...Object.fromEntries(values.filter(([, value]) => value !== undefined)) });
  else note(io, `wrote ${path}`);
  return 0;
}

async function clear(flags: Flags, io: Io): Promise<number> {
  const path = join(io.cwd, FILE);
  const kind = await stat(path).then(
    (info) => (info.isFile() ? 'file' : 'other'),
    () => 'none',
  );
  // The host keeps its data in a `.keygate/` directory: never that.
  if (kind === 'other') throw new CliError(`${path} is not a context file`, 'it is a directory (a host data folder?); nothing was removed');
  const existed = kind === 'file';
  if (existed) await rm(path);
  if (flags.boolean('json')) printJson(io, { file: path, removed: existed });
  else note(io, existed ? `removed ${path}` : `no ${FILE} file in ${io.cwd}`);
  return 0;
}
