import { runChild } from '../child.js';
import { UsageError } from '../errors.js';
import type { Command } from './command.js';

export const exec: Command = {
  name: 'exec',
  options: {},
  takesChildCommand: true,
  help: `Usage: keygate exec [-p PROJECT] [-e ENV] -- COMMAND [ARGS…]

Runs COMMAND with KEYGATE_URL and KEYGATE_API_KEY set, plus KEYGATE_PROJECT and KEYGATE_ENV when
they are known, so that a program using a Keygate (or Bella Baxter) SDK reads its secrets itself,
and sees new values after a rotation. No secret is read and none is put in the environment.
Signals and exit codes are handled as by keygate run.

Examples:
  keygate exec -p shop -e production -- node server.js
  keygate exec -- env | grep KEYGATE_
`,

  async run({ child, io, session: openSession }) {
    const [command, ...args] = child;
    if (command === undefined) throw new UsageError('no command to run', 'keygate exec -- COMMAND [ARGS…]');
    const session = await openSession();
    const { context } = session;
    const added: Array<[string, string]> = [
      ['KEYGATE_URL', context.url.value],
      ['KEYGATE_API_KEY', (await session.apiKey()).value],
    ];
    if (context.project !== undefined) added.push(['KEYGATE_PROJECT', context.project.value]);
    if (context.environment !== undefined) added.push(['KEYGATE_ENV', context.environment.value]);
    const inherited = Object.entries(io.env).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return runChild(command, args, Object.fromEntries([...inherited, ...added]));
  },
};
