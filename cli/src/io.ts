import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command touches outside itself. Commands never reach for `process` directly, so the
 * in-process tests can hand them a fake environment, working directory and captured streams.
 */
export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdoutIsTty: boolean;
  readonly stdinIsTty: boolean;
  /** Progress is drawn only on a terminal; a log file or CI must not get spinner frames. */
  readonly stderrIsTty?: boolean;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTty: process.stdout.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
  };
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Progress and confirmations go to stderr, so stdout carries only data and stays pipeable. */
export function note(io: Io, message: string): void {
  io.stderr.write(`${message}\n`);
}

export function warn(io: Io, message: string): void {
  io.stderr.write(`warning: ${message}\n`);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function formatTable(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: readonly string[]): string => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return rows.map((row) => `${line(row).trimEnd()}\n`).join('');
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Fast answers should not flash a spinner. */
const SPINNER_DELAY_MS = 250;

/**
 * Awaits `work`, drawing a spinner with `label` on stderr meanwhile, but only on a terminal and
 * only once it takes longer than a moment. The line is cleared afterwards, so output stays clean.
 */
export async function withProgress<T>(io: Io, label: string, work: Promise<T>): Promise<T> {
  if (io.stderrIsTty !== true) return work;
  let frame = 0;
  let drawn = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const delay = setTimeout(() => {
    timer = setInterval(() => {
      drawn = true;
      io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`);
    }, 80);
  }, SPINNER_DELAY_MS);
  try {
    return await work;
  } finally {
    clearTimeout(delay);
    if (timer !== undefined) clearInterval(timer);
    if (drawn) io.stderr.write('\r\u001b[K');
  }
}
