// Helpers shared by the bench scripts: waiting for a server, stopping a child, percentiles.
import { createHash, randomBytes } from 'node:crypto';

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

/**
 * A fixed CPU workload timed on this machine, printed with each result: the machines these
 * benchmarks run on differ (and so does one machine from day to day) by a factor of two or more,
 * and absolute latencies can only be compared with this figure beside them.
 */
export function cpuCalibration() {
  const hashes = 200_000;
  const started = performance.now();
  for (let i = 0; i < hashes; i++) createHash('sha256').update(`calibration-${i}`).digest();
  return `CPU calibration: ${hashes.toLocaleString('en')} SHA-256 hashes of short strings in ${Math.round(performance.now() - started)} ms (lower is faster)`;
}

/**
 * Open-loop load: `rate` requests/s spread evenly over `seconds` on at most `connections`
 * keep-alive connections, each request timed on its own with sub-millisecond resolution. Requests
 * go out on a 1 ms tick (Node's finest timer), those due by then together: about one at a time up
 * to 1000 requests/s, rate / 1000 above. (A 10 ms tick, used before 2026-12-07, sent bursts of
 * rate / 100 requests, whose latency the last of each burst paid.) Unlike a closed loop (each
 * client sends again as soon as it is answered), the offered load does not fall when the server
 * slows down.
 */
export async function pacedLoad({ url, method = 'GET', headers = {}, body, rate, seconds, connections }) {
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies = [];
  let failures = 0;
  const once = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = request({ agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const pending = [];
  const tickMs = 1;
  const started = performance.now();
  let sent = 0;
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) pending.push(once());
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const elapsed = (performance.now() - started) / 1000;
  return { rps: Math.round(latencies.length / elapsed), p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), failures };
}
