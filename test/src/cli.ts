import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `keygate` binary (`npx tsc -b` makes it). */
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  /** The whole environment of the child (add PATH and HOME yourself): nothing leaks in from the test runner. */
  env: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string;
}

/** Runs the real `keygate` binary as a child process and collects what it prints. */
export function runCli(args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
