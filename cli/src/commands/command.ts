import type { Flags, OptionSpecs } from '../args.js';
import type { Io } from '../io.js';
import type { Session } from '../session.js';

export interface CommandInput {
  readonly flags: Flags;
  /** Arguments after the command's name that are not flags. */
  readonly operands: readonly string[];
  /** For commands that start a program: its command line, never parsed by us. */
  readonly child: readonly string[];
  readonly io: Io;
  /** Resolves the context on first use; commands that need no gateway never call it. */
  session(): Promise<Session>;
}

export interface Command {
  readonly name: string;
  readonly help: string;
  /** Flags of this command, on top of the global ones. */
  readonly options: OptionSpecs;
  /** `run` and `exec`: everything from the first non-flag argument (or after `--`) is the child's. */
  readonly takesChildCommand?: boolean;
  run(input: CommandInput): Promise<number>;
}
