import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts, before or after its name. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  project: { type: 'string', short: 'p' },
  env: { type: 'string', short: 'e' },
  /** The seeds spell it out (`--environment production`); same as --env. */
  environment: { type: 'string' },
  auth: { type: 'string' },
  e2ee: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies OptionSpecs;

/** Parsed flags with typed accessors (parseArgs types its result loosely once option sets are merged). */
export class Flags {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  boolean(name: string): boolean {
    return this.values[name] === true;
  }
}

export interface ParsedLine {
  flags: Flags;
  operands: string[];
}

export function parseLine(args: readonly string[], options: OptionSpecs): ParsedLine {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { flags: new Flags(values), operands: positionals };
  } catch (error) {
    // parseArgs says precisely what is wrong ("Unknown option '--fromat'"); only the wrapping is ours.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      // Its advice on `--` is worth keeping only for values that start with a dash.
      const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
      throw new UsageError(message, 'see --help for the accepted flags; put values that start with "-" after "--"');
    }
    throw error;
  }
}

/**
 * Index of the first argument at or after `start` that is neither a flag nor a flag's value
 * (`args.length` when there is none). A `--` is returned as such. This lets `keygate -p shop pull`
 * find `pull`, and `keygate run -e prod node app.js --port 3` leave `--port 3` to the child.
 */
export function firstOperand(args: readonly string[], start: number, options: OptionSpecs): number {
  for (let i = start; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || arg === '-' || !arg.startsWith('-')) return i;
    if (consumesNext(arg, options)) i++;
  }
  return args.length;
}

function consumesNext(arg: string, options: OptionSpecs): boolean {
  if (arg.startsWith('--')) {
    if (arg.includes('=')) return false;
    return options[arg.slice(2)]?.type === 'string';
  }
  // A short group such as `-jp shop` or `-pshop`: the first string flag takes the rest of the group
  // as its value, or the next argument when the group ends with it.
  const letters = arg.slice(1);
  for (let i = 0; i < letters.length; i++) {
    const spec = Object.values(options).find((option) => option.short === letters[i]);
    if (spec?.type === 'string') return i === letters.length - 1;
  }
  return false;
}
