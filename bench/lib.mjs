// Helpers shared by the bench scripts: waiting for a server, stopping a child, percentiles.
import { randomBytes } from 'node:crypto';

/** A fresh API key in the wire format (DESIGN §5), e.g. for KEYGATE_BOOTSTRAP_API_KEY. */
export function randomApiKey() {
  return `bax-${randomBytes(16).toString('hex')}-${randomBytes(32).toString('hex')}`;
}

/** Polls `url` until it answers 200. */
export async function waitReady(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGTERM, and waits for the exit; a child spawned `detached` is stopped with its whole process group (`npm start` runs the host as its child). */
export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    if (child.detached) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
