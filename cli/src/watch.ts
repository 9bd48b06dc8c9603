import { constants } from 'node:os';
import type { ConfigChanges, KeygateConfig } from '@keygate/sdk';
import { FORWARDED_SIGNALS, isRunning, startChild, type StartedChild } from './child.js';
import { note } from './io.js';
import type { Io } from './io.js';

/** How long a child may take to stop after SIGTERM before a restart kills it. */
const STOP_GRACE_MS = 10_000;

export type WatchMode = 'restart' | NodeJS.Signals;

export interface WatchedRun {
  command: string;
  args: readonly string[];
  /** The child's environment for the secrets currently loaded. */
  environment: (secrets: Readonly<Record<string, string>>) => NodeJS.ProcessEnv;
  /** Loads the secrets and starts polling, reporting to the handlers given. */
  openConfig: (handlers: { onUpdate: (changes: ConfigChanges) => void; onError: (error: unknown) => void }) => Promise<KeygateConfig>;
  /** Describes a failed check in one line (for the warning; values never appear in it). */
  describeError: (error: unknown) => string;
  mode: WatchMode;
  io: Io;
}

/** `--signal` values: `restart`, or a signal name (`SIGHUP`, `HUP`, `SIGUSR1`…). */
export function parseWatchMode(value: string): WatchMode | undefined {
  if (value === 'restart') return 'restart';
  const name = (value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`) as NodeJS.Signals;
  return name in constants.signals && name !== 'SIGKILL' && name !== 'SIGSTOP' ? name : undefined;
}

/**
 * Runs the child and keeps it on the current secrets: when the environment's version moves, the
 * child is restarted with the new values (SIGTERM, then SIGKILL after a grace period), or sent
 * the chosen signal (its environment cannot change while it runs: the signal tells a program that
 * re-reads its secrets itself to do so). keygate exits when the child exits on its own, with its
 * status. SIGINT/SIGTERM/SIGHUP sent to keygate are forwarded, and end the watch.
 */
export async function runWatching(run: WatchedRun): Promise<number> {
  const { io, mode } = run;
  let current: StartedChild | undefined;
  let restartWanted = false;
  let shuttingDown = false;
  let failing = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;

  const onUpdate = (changes: ConfigChanges): void => {
    failing = false;
    const keys = [...changes.added, ...changes.changed, ...changes.removed];
    const what = `${keys.length} secret${keys.length === 1 ? '' : 's'} changed (${keys.join(', ')})`;
    if (shuttingDown || current === undefined || !isRunning(current.process)) return;
    if (mode === 'restart') {
      note(io, `keygate: ${what}; restarting ${run.command}`);
      restartWanted = true;
      current.process.kill('SIGTERM');
      const stopping = current.process;
      killTimer ??= setTimeout(() => {
        if (isRunning(stopping)) stopping.kill('SIGKILL');
      }, STOP_GRACE_MS);
    } else {
      note(io, `keygate: ${what}; sending ${mode} to ${run.command}`);
      current.process.kill(mode);
    }
  };
  const onError = (error: unknown): void => {
    // One warning per outage, not one per poll.
    if (failing) return;
    failing = true;
    io.stderr.write(`warning: keygate: cannot check for changed secrets (${run.describeError(error)}); ${run.command} keeps the current values\n`);
  };
  const forward = (signal: NodeJS.Signals): void => {
    shuttingDown = true;
    if (current !== undefined && isRunning(current.process)) current.process.kill(signal);
  };
  const config = await run.openConfig({ onUpdate, onError });
  const spawnChild = (): StartedChild => startChild(run.command, run.args, run.environment(config.getAll()));
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    current = spawnChild();
    for (;;) {
      const status = await current.exit;
      if (killTimer !== undefined) clearTimeout(killTimer);
      killTimer = undefined;
      if (!restartWanted || shuttingDown) return status;
      restartWanted = false;
      current = spawnChild();
    }
  } finally {
    config.close();
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

