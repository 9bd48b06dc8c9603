import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from './errors.js';

/** What a supervisor is expected to pass on: Ctrl-C, `docker stop`/`kill`, a closed terminal. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface StartedChild {
  readonly process: ChildProcess;
  /** The exit status a shell would report: the exit code, or 128 + the signal number. */
  readonly exit: Promise<number>;
}

/** Starts `command` with the terminal attached (no shell). A spawn failure rejects `exit`. */
export function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): StartedChild {
  const child = spawn(command, args, { stdio: 'inherit', env });
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(spawnError(command, error)));
    child.once('exit', (code, signal) => {
      if (code !== null) resolve(code);
      else resolve(128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
  return { process: child, exit };
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Runs `command` with the terminal attached and resolves to the exit status a shell would report:
 * the child's exit code, or 128 + the signal number when a signal killed it.
 *
 * Signals sent to `keygate` are forwarded to the child and `keygate` keeps waiting, so the child
 * decides how to shut down and its exit status is the one reported. (A Ctrl-C typed in a terminal
 * reaches both, since they share the foreground process group; programs treat the repeat as one.)
 */
export async function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = startChild(command, args, env);
  const forward = (signal: NodeJS.Signals): void => {
    if (isRunning(child.process)) child.process.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    return await child.exit;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

/** Exit codes follow the shell's convention (127 not found, 126 not executable), as `env` does. */
function spawnError(command: string, error: NodeJS.ErrnoException): CliError {
  if (error.code === 'ENOENT') return new CliError(`command not found: ${command}`, 'check its spelling and your PATH', 127);
  if (error.code === 'EACCES') return new CliError(`cannot execute ${command}: permission denied`, 'is it executable (chmod +x)?', 126);
  return new CliError(`cannot start ${command}: ${error.message}`, undefined, 126);
}
