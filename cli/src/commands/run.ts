import { createConfig } from '@keygate/sdk';
import { runChild } from '../child.js';
import { UsageError } from '../errors.js';
import { toEnvironmentVariables } from '../formats.js';
import { warn, withProgress, type Io } from '../io.js';
import { parseWatchMode, runWatching } from '../watch.js';
import type { Command } from './command.js';

const DEFAULT_POLL_SECONDS = 30;

export const run: Command = {
  name: 'run',
  options: {
    watch: { type: 'boolean', short: 'w' },
    'poll-interval': { type: 'string' },
    signal: { type: 'string' },
  },
  takesChildCommand: true,
  help: `Usage: keygate run [-p PROJECT] [-e ENV] [--watch [--poll-interval SECONDS] [--signal restart|SIGNAL]] -- COMMAND [ARGS…]

Reads the environment's secrets, then runs COMMAND with them added to the inherited environment
variables (a secret overrides an inherited variable of the same name; "." and "-" in keys become
"_"). The command is started directly, without a shell.

SIGINT, SIGTERM and SIGHUP are passed on to COMMAND. keygate exits with COMMAND's exit code, or
128 + the signal number when a signal killed it (127: command not found, 126: not executable).

Flags:
  -w, --watch              keep checking the environment's version and act when it changes
                           (a write, a rotation): by default COMMAND is restarted with the new
                           values (SIGTERM, SIGKILL after 10 s if it does not stop)
  --poll-interval SECONDS  how often --watch checks (default ${DEFAULT_POLL_SECONDS}; one small request each time)
  --signal restart|SIGNAL  restart (the default), or send SIGNAL (SIGHUP, SIGUSR1, …) instead: a
                           running program's environment cannot change, so this suits programs
                           that re-read their secrets themselves on that signal
While watching, an unreachable gateway leaves COMMAND running on the values it has.

Examples:
  keygate run -- npm start
  keygate run -p shop -e production -- node server.js --port 3000
  keygate run --watch --poll-interval 10 -- node server.js
  keygate run -- sh -c 'psql "$DATABASE_URL"'
`,

  async run({ flags, child, io, session: openSession }) {
    const [command, ...args] = child;
    const watching = flags.boolean('watch');
    const pollSeconds = pollInterval(flags.string('poll-interval'));
    const signal = flags.string('signal');
    const mode = signal === undefined ? 'restart' : parseWatchMode(signal);
    if (mode === undefined) throw new UsageError(`--signal must be "restart" or a signal name, not "${signal}"`, 'e.g. --signal SIGHUP');
    if (!watching && (signal !== undefined || flags.string('poll-interval') !== undefined)) throw new UsageError('--signal and --poll-interval go with --watch');
    if (command === undefined) throw new UsageError('no command to run', 'keygate run -- COMMAND [ARGS…]');
    const session = await openSession();
    const target = await session.target();
    const environment = (secrets: Readonly<Record<string, string>>): NodeJS.ProcessEnv => childEnvironment(io, secrets);

    // The first read goes through the gateway wrapper, which retries a signature refused as a
    // repeat (replicas starting together); polling then recovers by itself on the next check.
    const first = await withProgress(io, `reading ${target.project}/${target.environment}`, session.gateway().environmentSecrets(target));
    if (!watching) return runChild(command, args, environment(first.secrets));
    const client = await session.pollingClient();
    return runWatching({
      command,
      args,
      environment,
      mode,
      io,
      describeError,
      openConfig: (handlers) =>
        createConfig({
          baseUrl: session.context.url.value,
          client,
          initial: first,
          projectSlug: target.project,
          environmentSlug: target.environment,
          pollIntervalMs: pollSeconds * 1000,
          requestTimeoutMs: session.timeoutMs,
          ...handlers,
        }),
    });
  },
};

function childEnvironment(io: Io, secrets: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const variables = toEnvironmentVariables(secrets, (message) => warn(io, message));
  // Built from entries (not by assignment) so that a key named `__proto__` is an ordinary variable.
  return Object.fromEntries([...Object.entries(io.env).filter(isSet), ...variables]);
}

function pollInterval(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_POLL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.1) throw new UsageError(`--poll-interval must be a number of seconds (at least 0.1), not "${raw}"`);
  return seconds;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof cause === 'string' ? `${error.message}: ${cause}` : error.message;
}

function isSet(entry: [string, string | undefined]): entry is [string, string] {
  return entry[1] !== undefined;
}
