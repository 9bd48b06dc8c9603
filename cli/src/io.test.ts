import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { withProgress, type Io } from './io.js';

function fakeIo(stderrIsTty: boolean): { io: Io; text: () => string } {
  const stderr = new PassThrough();
  const chunks: string[] = [];
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const io: Io = { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {}, cwd: '/', stdoutIsTty: false, stdinIsTty: false, stderrIsTty };
  return { io, text: () => chunks.join('') };
}

const slow = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('withProgress', () => {
  it('draws a spinner on a terminal for slow work, then clears its line', async () => {
    const { io, text } = fakeIo(true);
    expect(await withProgress(io, 'reading shop/prod', slow(42, 600))).toBe(42);
    const out = text();
    expect(out.endsWith('\r\u001b[K')).toBe(true);
    expect(out.slice(0, -'\r\u001b[K'.length)).toMatch(/^(\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] reading shop\/prod)+$/);
  });

  it('draws nothing when stderr is not a terminal, or for fast work', async () => {
    const piped = fakeIo(false);
    await withProgress(piped.io, 'x', slow(1, 600));
    expect(piped.text()).toBe('');
    const fast = fakeIo(true);
    await withProgress(fast.io, 'x', slow(1, 10));
    expect(fast.text()).toBe('');
  });

  it('passes failures through and still clears the line', async () => {
    const { io, text } = fakeIo(true);
    await expect(withProgress(io, 'x', slow(0, 500).then(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(text().endsWith('\r\u001b[K')).toBe(true);
  });
});
