import type { ReadStream } from 'node:tty';
import { readAll, type Io } from './io.js';

/**
 * Reads one secret line: typed without echo on a terminal, else the first line of stdin (so
 * `printf %s "$PASSWORD" | keygate login --email …` works in scripts). Never from an argument,
 * which would end up in the shell history and the process list.
 */
export async function readSecretLine(io: Io, prompt: string): Promise<string> {
  const stdin = io.stdin as Partial<ReadStream> & Io['stdin'];
  if (!io.stdinIsTty || typeof stdin.setRawMode !== 'function') {
    const text = (await readAll(io.stdin)).toString('utf8');
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
  io.stderr.write(prompt);
  const setRawMode = stdin.setRawMode.bind(stdin);
  setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (chunk: Buffer | string): void => {
        for (const char of chunk.toString()) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            stdin.off('data', onData);
            resolve(line);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('interrupted'));
            return;
          }
          if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
          else line += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}
