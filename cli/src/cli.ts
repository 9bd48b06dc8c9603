import { GLOBAL_OPTIONS, firstOperand, parseLine, type Flags } from './args.js';
import type { Command } from './commands/command.js';
import { UsageError, explainError, redact, type ErrorScene } from './errors.js';
import type { Io } from './io.js';
import { CLI_VERSION } from './version.js';

/** A command's name and summary, and its implementation loaded only when it runs: start-up stays short. */
interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'pull', summary: "write the environment's secrets to a file (.env, JSON, YAML, shell)", load: async () => (await import('./commands/pull.js')).pull },
  { name: 'run', summary: 'run a command with the secrets in its environment (--watch: restart on change)', load: async () => (await import('./commands/run.js')).run },
  { name: 'exec', summary: 'run a command with the gateway URL and API key (not the secrets) in its environment', load: async () => (await import('./commands/exec.js')).exec },
  { name: 'secrets', summary: 'list, get, set, delete single secrets; push a .env file', load: async () => (await import('./commands/secrets.js')).secrets },
  { name: 'issue', summary: 'issue a short-lived read-only token limited to scopes', load: async () => (await import('./commands/api-keys.js')).issue },
  { name: 'projects', summary: 'list, create and delete projects', load: async () => (await import('./commands/resources.js')).projects },
  { name: 'environments', summary: "list, create and delete a project's environments", load: async () => (await import('./commands/resources.js')).environments },
  { name: 'providers', summary: "list, create and delete the tenant's provider connections", load: async () => (await import('./commands/resources.js')).providers },
  { name: 'api-keys', summary: 'list, create and delete API keys of an environment, a project or the tenant', load: async () => (await import('./commands/api-keys.js')).apiKeys },
  { name: 'trust-domains', summary: 'manage which workloads (GitHub Actions, Kubernetes, OIDC) may read an environment keylessly', load: async () => (await import('./commands/trust-domains.js')).trustDomains },
  { name: 'audit', summary: 'list the audit trail and verify its hash chain', load: async () => (await import('./commands/audit.js')).audit },
  { name: 'context', summary: 'show, write or clear the context: which gateway, project and environment, and why', load: async () => (await import('./commands/context.js')).context },
  { name: 'login', summary: 'store an API key or a user login for the gateway', load: async () => (await import('./commands/login.js')).login },
  { name: 'logout', summary: 'forget the stored login (and revoke a user session)', load: async () => (await import('./commands/login.js')).logout },
  { name: 'whoami', summary: 'show who the gateway sees: the API key or user, and its scope', load: async () => (await import('./commands/login.js')).whoami },
];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const commands = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `keygate ${CLI_VERSION}: the command line of the Keygate secrets gateway

Usage: keygate <command> [flags]

Commands:
${commands}

Global flags (accepted by every command):
  --url URL           gateway URL (KEYGATE_URL; default http://localhost:8080)
  --api-key KEY       API key; prefer KEYGATE_API_KEY or "keygate login", since flags show up in the
                      process list. With none, a GitHub Actions or Kubernetes workload token is
                      exchanged for a short-lived key (keyless; see keygate login --help)
  -p, --project REF   project slug or id (KEYGATE_PROJECT, or "project" in a .keygate file)
  -e, --env SLUG      environment (KEYGATE_ENV, or "environment" in a .keygate file); also --environment
  --auth MODE         signed (default: HMAC-signed requests, the key's secret never travels) or bearer
  --e2ee              end-to-end encrypt secret reads to a key made for this run (the answer is
                      refused if it comes back in plaintext)
  --timeout SECONDS   per-request timeout (default 30)
  --json              machine-readable output
  -h, --help          this help, or a command's with "keygate <command> --help"
  --version           print the version

BELLA_BAXTER_URL, BELLA_BAXTER_API_KEY, BELLA_BAXTER_PROJECT, BELLA_BAXTER_ENV and .bella files
are honoured too. "keygate context" shows what would be used and why.

Exit codes: 0 success, 1 failure, 2 bad usage; run and exec exit with the command's code.
`;
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const scene: ErrorScene = {};
  try {
    return await dispatch(argv, io, scene);
  } catch (error) {
    const failure = explainError(error, scene);
    const hide = apiKeysIn(argv, io.env);
    io.stderr.write(redact(`error: ${failure.message}\n`, hide));
    if (failure.hint !== undefined) io.stderr.write(redact(`hint: ${failure.hint}\n`, hide));
    if (io.env.KEYGATE_DEBUG && error instanceof Error && error.stack !== undefined) io.stderr.write(`${redact(error.stack, hide)}\n`);
    return failure.exitCode;
  }
}

async function dispatch(argv: readonly string[], io: Io, scene: ErrorScene): Promise<number> {
  const at = firstOperand(argv, 0, GLOBAL_OPTIONS);
  const name = argv[at];
  if (name === undefined || name === '--') {
    const { flags } = parseLine(argv, GLOBAL_OPTIONS);
    if (printedInfo(flags, io, mainHelp())) return 0;
    io.stderr.write(mainHelp());
    return 2;
  }
  if (name === 'help') return help(argv[at + 1], io);

  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new UsageError(`unknown command "${name}"`, `${suggestion(name)}run "keygate --help" to see the commands`);
  const command = await entry.load();

  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let head = rest;
  let child: string[] = [];
  if (command.takesChildCommand === true) {
    const split = firstOperand(rest, 0, options);
    head = rest.slice(0, split);
    child = rest.slice(rest[split] === '--' ? split + 1 : split);
  }
  const { flags, operands } = parseLine(head, options);
  if (printedInfo(flags, io, command.help)) return 0;
  return command.run({ flags, operands, child, io, session: async () => (await import('./session.js')).Session.open(flags, io, scene) });
}

function printedInfo(flags: Flags, io: Io, helpText: string): boolean {
  if (flags.boolean('help')) io.stdout.write(helpText);
  else if (flags.boolean('version')) io.stdout.write(`${CLI_VERSION}\n`);
  else return false;
  return true;
}

async function help(topic: string | undefined, io: Io): Promise<number> {
  if (topic === undefined) {
    io.stdout.write(mainHelp());
    return 0;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === topic);
  if (entry === undefined) throw new UsageError(`no help for "${topic}": no such command`, `${suggestion(topic)}run "keygate --help" to see the commands`);
  io.stdout.write((await entry.load()).help);
  return 0;
}

/** "did you mean pull? " for a typo within two edits of a command name. */
function suggestion(word: string): string {
  const near = COMMANDS.find((command) => editDistance(word, command.name) <= 2);
  return near === undefined ? '' : `did you mean "${near.name}"? `;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Key material that may appear in the command line or environment, for redaction from messages. */
function apiKeysIn(argv: readonly string[], env: Io['env']): string[] {
  const keys = [env.KEYGATE_API_KEY, env.BELLA_BAXTER_API_KEY];
  argv.forEach((arg, i) => {
    if (arg === '--api-key') keys.push(argv[i + 1]);
    else if (arg.startsWith('--api-key=')) keys.push(arg.slice('--api-key='.length));
  });
  return keys.filter((key): key is string => key !== undefined && key !== '');
}
