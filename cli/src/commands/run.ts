import { runChild } from '../child.js';
import { UsageError } from '../errors.js';
import { toEnvironmentVariables } from '../formats.js';
import { warn } from '../io.js';
import type { Command } from './command.js';

export const run: Command = {
  name: 'run',
  summary: 'run a command with the secrets in its environment',
  options: {},
  takesChildCommand: true,
  help: `Usage: keygate run [-p PROJECT] [-e ENV] -- COMMAND [ARGS…]

Reads the environment's secrets once, then runs COMMAND with them added to the inherited
environment variables (a secret overrides an inherited variable of the same name; "." and "-" in
keys become "_"). The command is started directly, without a shell.

SIGINT, SIGTERM and SIGHUP are passed on to COMMAND. keygate exits with COMMAND's exit code, or
128 + the signal number when a signal killed it (127: command not found, 126: not executable).

Examples:
  keygate run -- npm start
  keygate run -p shop -e production -- node server.js --port 3000
  keygate run -- sh -c 'psql "$DATABASE_URL"'
`,

  async run({ child, io, session: openSession }) {
    const [command, ...args] = child;
    if (command === undefined) throw new UsageError('no command to run', 'keygate run -- COMMAND [ARGS…]');
    const session = await openSession();
    const target = await session.target();
    const { secrets } = await session.gateway().environmentSecrets(target);
    const variables = toEnvironmentVariables(secrets, (message) => warn(io, message));
    // Built from entries (not by assignment) so that a key named `__proto__` is an ordinary variable.
    const env = Object.fromEntries([...Object.entries(io.env).filter(isSet), ...variables]);
    return runChild(command, args, env);
  },
};

function isSet(entry: [string, string | undefined]): entry is [string, string] {
  return entry[1] !== undefined;
}
