import { UsageError } from '../errors.js';
import { formatTable, note, printJson, type Io } from '../io.js';
import type { CommandInput } from './command.js';

export type Subcommand = (input: CommandInput, args: readonly string[]) => Promise<number>;

/** Runs `keygate <command> <sub> …` from a table of subcommands, with a usage error naming them. */
export function dispatch(command: string, table: Readonly<Record<string, Subcommand>>, input: CommandInput): Promise<number> {
  const [name, ...args] = input.operands;
  const names = Object.keys(table).join(', ');
  if (name === undefined) throw new UsageError('missing subcommand', `keygate ${command} ${Object.keys(table).join('|')}; see keygate ${command} --help`);
  const sub = table[name];
  if (sub === undefined) throw new UsageError(`unknown subcommand "${command} ${name}"`, `use ${names}`);
  return sub(input, args);
}

/** Exactly `names.length` operands, or a usage error showing the expected shape. */
export function operands(usage: string, args: readonly string[], names: readonly string[]): string[] {
  if (args.length < names.length) throw new UsageError(`missing ${names.slice(args.length).join(' and ')}`, usage);
  if (args.length > names.length) throw new UsageError(`unexpected argument "${args[names.length]}"`, usage);
  return [...args];
}

/** A list as JSON (`--json`) or as a table with a header row; "none" on stderr when empty. */
export function printList<T>(io: Io, json: boolean, items: readonly T[], columns: ReadonlyArray<readonly [string, (item: T) => string]>, empty: string): void {
  if (json) printJson(io, items);
  else if (items.length === 0) note(io, empty);
  else io.stdout.write(formatTable([columns.map(([title]) => title), ...items.map((item) => columns.map(([, cell]) => cell(item)))]));
}

/** A comma-separated list flag (`--scope a,b`), empty items dropped. */
export function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive whole number, not "${value}"`);
  return number;
}
