// `node bench/outbound.mjs`: per-request overhead of the outbound HTTP client (host/src/outbound)
// against plain `http.request` with a keep-alive agent, both calling the same local server (in a
// child process, so its work is not counted). Writes bench/RESULTS-outbound.md.
// Run `npm run build` first (npm ci does it): the client is loaded from host/dist.
import { fork } from 'node:child_process';
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === 'server') {
  // A small JSON answer, as a secrets API gives for one secret.
  const body = JSON.stringify({ value: 'x'.repeat(64), version: '3' });
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', () => server.close(() => process.exit(0)));
} else {
  await main();
}

async function main() {
  const dist = join(here, '../host/dist/index.js');
  if (!existsSync(dist)) {
    console.error('host/dist is missing: run `npm run build` first');
    process.exit(1);
  }
  const { createHttpClient } = await import('@keygate/host');
  const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 3000);
  const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 6000);
  const CONCURRENCY = 50;
  const ROUNDS = 3;

  const child = fork(fileURLToPath(import.meta.url), ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const url = `http://127.0.0.1:${port}/secret`;

  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const plain = () =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { agent, method: 'GET', headers: { accept: 'application/json' } }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  const outbound = createHttpClient({ allowLoopback: true, allowPrivate: false, connectTimeoutMs: 5000, timeoutMs: 15_000, maxResponseBytes: 5 * 1024 * 1024 });
  const keygate = async () => (await outbound.request({ method: 'GET', url, headers: { accept: 'application/json' } })).json();
  const viaFetch = async () => (await fetch(url, { headers: { accept: 'application/json' } })).json();
  const variants = { 'plain http.request (keep-alive agent)': plain, 'Keygate outbound client': keygate, 'fetch (undici), for reference': viaFetch };

  const sequential = async (call, n) => {
    const times = new Float64Array(n);
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await call();
      times[i] = performance.now() - t;
    }
    return { times, elapsed: performance.now() - started };
  };
  const concurrent = async (call, n) => {
    const times = new Float64Array(n);
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await call();
        times[i] = performance.now() - t;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { times, elapsed: performance.now() - started };
  };
  const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const summarise = (runs) => {
    const all = Float64Array.from(runs.flatMap((run) => [...run.times])).sort();
    const elapsed = runs.reduce((sum, run) => sum + run.elapsed, 0);
    return { p50: quantile(all, 0.5), p99: quantile(all, 0.99), rps: Math.round((all.length / elapsed) * 1000) };
  };

  // Warm-up (JIT, pools), then interleaved rounds so machine noise hits every variant alike.
  for (const call of Object.values(variants)) await concurrent(call, 1000);
  const results = {};
  for (const name of Object.keys(variants)) results[name] = { sequential: [], concurrent: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of Object.entries(variants)) {
      results[name].sequential.push(await sequential(call, SEQUENTIAL));
      results[name].concurrent.push(await concurrent(call, CONCURRENT));
    }
  }
  outbound.close();
  agent.destroy();
  child.send('stop');

  const baseline = { seq: summarise(results[Object.keys(variants)[0]].sequential), conc: summarise(results[Object.keys(variants)[0]].concurrent) };
  const us = (ms) => `${Math.round(ms * 1000)} µs`;
  const rows = Object.keys(variants).map((name) => {
    const seq = summarise(results[name].sequential);
    const conc = summarise(results[name].concurrent);
    return `| ${name} | ${us(seq.p50)} | ${us(seq.p99)} | ${us(seq.p50 - baseline.seq.p50)} | ${seq.rps} | ${conc.rps} | ${Math.round((conc.rps / baseline.conc.rps) * 100)} % |`;
  });
  const md = `# Outbound client benchmark

Recorded by \`node bench/outbound.mjs\` on ${new Date().toISOString()}: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}).
Each variant GETs a 90-byte JSON document from a \`node:http\` server on 127.0.0.1 (in a child
process) over keep-alive connections and parses it: ${ROUNDS} interleaved rounds of ${SEQUENTIAL}
sequential requests and of ${CONCURRENT} requests at ${CONCURRENCY} concurrent callers, after a warm-up.

| client | sequential p50 | sequential p99 | p50 overhead vs plain | sequential req/s | ${CONCURRENCY} concurrent req/s | concurrent vs plain |
|---|---|---|---|---|---|---|
${rows.join('\n')}

What the Keygate client does on top of \`http.request\` per call: URL parsing and the scheme and
IP-literal checks, the redirect bookkeeping, two timers (total timeout; connect timeout only for
new sockets), size accounting of the body and the header copy. The address policy itself costs
nothing per request on a pooled connection: it runs in the socket's lookup, once per new
connection. Client, server and the load share the machine's cores, so absolute figures move with
the machine's load; the overhead column is the figure to watch.
`;
  await writeFile(join(here, 'RESULTS-outbound.md'), md);
  console.log(md);
}
