import { UsageError } from '../errors.js';
import { credentialsPath } from '../credentials.js';
import { formatTable, printJson } from '../io.js';
import type { Command } from './command.js';

export const context: Command = {
  name: 'context',
  summary: 'show which gateway, project and environment would be used, and why',
  options: {},
  help: `Usage: keygate context [-p PROJECT] [-e ENV] [--json]

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
    if (operands.length > 0) throw new UsageError(`unexpected argument "${operands[0]}"`, 'keygate context takes flags only');
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
