import { resolve } from 'node:path';
import { CliError, UsageError } from '../errors.js';
import { writePrivateFile } from '../files.js';
import { DEFAULT_OUTPUT, FORMATS, formatForPath, isFormat, render, type Format } from '../formats.js';
import { note, printJson, warn, withProgress } from '../io.js';
import type { Command } from './command.js';

export const pull: Command = {
  name: 'pull',
  options: {
    output: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
  },
  help: `Usage: keygate pull [-p PROJECT] [-e ENV] [-o FILE] [--format FORMAT]

Reads every secret of the environment (all its providers, merged by priority) and writes them.

Flags:
  -o, --output FILE    where to write (default .env); "-" writes to stdout
  -f, --format FORMAT  ${FORMATS.join(', ')}; by default from FILE's extension:
                       .json → json, .yaml/.yml → yaml, .sh → shell, anything else → env
  --json               print a summary of what was written as JSON

Files are written with mode 0600 and replaced atomically. In env and shell output, "." and "-"
in keys become "_" (DB.HOST → DB_HOST); json-nested splits keys on "__" and "." into objects.

Examples:
  keygate pull                                  # .env in the current directory
  keygate pull -p shop -e production -o config/secrets.json
  keygate pull -o - --format shell > secrets.sh
  eval "$(keygate pull -o - --format shell)"
`,

  async run({ flags, operands, io, session: openSession }) {
    if (operands.length > 0) throw new UsageError(`unexpected argument "${operands[0]}"`, 'keygate pull takes flags only; see keygate pull --help');
    const output = flags.string('output') ?? DEFAULT_OUTPUT;
    if (output === '') throw new UsageError('--output must not be empty', 'pass a file name, or "-" for stdout');
    const format = chooseFormat(flags.string('format'), output);
    const toStdout = output === '-';
    if (toStdout && flags.boolean('json')) throw new UsageError('--json needs a file: with -o - the secrets themselves are the output');

    const session = await openSession();
    const target = await session.target();
    const result = await withProgress(io, `reading ${target.project}/${target.environment}`, session.gateway().environmentSecrets(target));
    const text = render(format, result.secrets, (message) => warn(io, message));
    const count = Object.keys(result.secrets).length;

    if (toStdout) {
      io.stdout.write(text);
      return 0;
    }
    const path = resolve(io.cwd, output);
    await writePrivateFile(path, text).catch((error: unknown) => {
      throw new CliError(`cannot write ${output}: ${writeFailure(error)}`, 'check that its directory exists and is writable, or use -o - for stdout');
    });
    if (flags.boolean('json')) {
      printJson(io, { file: path, format, count, project: target.project, environment: target.environment, version: result.version });
    } else {
      note(io, `wrote ${count} secret${count === 1 ? '' : 's'} of ${target.project}/${target.environment} to ${output} (${format})`);
    }
    return 0;
  },
};

function chooseFormat(given: string | undefined, output: string): Format {
  if (given === undefined) return output === '-' ? 'env' : formatForPath(output);
  if (!isFormat(given)) throw new UsageError(`unknown format "${given}"`, `use one of: ${FORMATS.join(', ')}`);
  return given;
}

/** The system message would name the temporary file, which the user never asked for. */
function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'its directory does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
