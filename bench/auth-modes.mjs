// Throughput of reading a 100-secret environment by authentication mode: bearer key, HMAC-signed
// request (DESIGN §5) and E2EE response. Standalone: `node bench/auth-modes.mjs` after
// `npm run build`; BENCH_DURATION (seconds per run, default 10). Writes bench/RESULTS-auth-modes.md.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { parseApiKey, signRequest, signingTimestamp, generateE2eeKeyPair, decryptFromServer, isE2eeEnvelope, SIGNATURE_SKEW_SECONDS } from '@keygate/core/wire';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const main = join(root, 'host/dist/main.js');
if (!existsSync(main)) {
  console.error('host/dist/main.js is missing: run `npm run build` first');
  process.exit(1);
}
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
/** Keys the signed run spreads its requests over (see SignedRequests). */
const SIGNING_KEYS = 64;
const port = 21000 + Math.floor(Math.random() * 10000);
const url = `http://127.0.0.1:${port}`;
const path = '/api/v1/projects/bench/environments/prod/secrets';
const adminKey = `bax-${randomBytes(16).toString('hex')}-${randomBytes(32).toString('hex')}`;

async function waitReady(readyUrl, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(readyUrl)).status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${readyUrl} not ready in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGTERM to the whole process group: `npm start` runs the host as its child. */
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid, 'SIGTERM');
  });
}

async function call(method, apiPath, body) {
  const res = await fetch(`${url}${apiPath}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function seed() {
  await call('POST', '/api/v1/projects', { name: 'bench' });
  const env = await call('POST', '/api/v1/projects/bench/environments', { name: 'prod' });
  for (let i = 0; i < 100; i++) {
    await call('PUT', `/api/v1/projects/bench/environments/prod/providers/system/secrets/SECRET_${String(i).padStart(3, '0')}`, { value: randomBytes(24).toString('base64') });
  }
  // Every mode reads with environment Consumer keys, as an application would.
  const keys = [];
  for (let i = 0; i < SIGNING_KEYS; i++) keys.push((await call('POST', `/api/v1/environments/${env.id}/api-keys`, { role: 'Consumer', clientName: `bench-${i}` })).apiKey);
  return keys;
}

/**
 * Signing headers for one request each. The server refuses a (key, signature) it has seen within
 * the ±300 s window, and a signature of this bodiless GET varies only with the key and the
 * timestamp (whole seconds). So each request gets a (key, timestamp) pair not used before: every
 * key walks through the timestamps inside the window, from its past edge on; a key whose next
 * timestamp would leave the window is skipped. That is what many clients signing at once look like.
 */
class SignedRequests {
  constructor(apiKeys) {
    this.keys = apiKeys.map((apiKey) => ({ ...parseApiKey(apiKey), next: 0 }));
    this.turn = 0;
    this.margin = 30; // seconds kept clear of the window's edges
  }

  headers() {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const lowest = nowSeconds - SIGNATURE_SKEW_SECONDS + this.margin;
    const highest = nowSeconds + SIGNATURE_SKEW_SECONDS - this.margin;
    for (let tries = 0; tries < this.keys.length; tries++) {
      const key = this.keys[this.turn];
      this.turn = (this.turn + 1) % this.keys.length;
      const second = Math.max(key.next, lowest);
      if (second > highest) continue;
      key.next = second + 1;
      const timestamp = signingTimestamp(new Date(second * 1000));
      return {
        'x-bella-key-id': key.keyId,
        'x-bella-timestamp': timestamp,
        'x-bella-signature': signRequest(key.secret, { method: 'GET', path, query: '', timestamp, body: '' }),
      };
    }
    throw new Error('every signing key used up its window: raise SIGNING_KEYS');
  }
}

async function load(options) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...options });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99 };
}

const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
const dataDir = await mkdtemp(join(tmpdir(), 'keygate-bench-auth-'));
const env = { ...process.env, KEYGATE_DATA_DIR: dataDir, PORT: String(port), KEYGATE_BOOTSTRAP_API_KEY: adminKey, KEYGATE_LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.KEYGATE_CONFIG;
const host = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
try {
  await waitReady(`${url}/readyz`, 60_000);
  const keys = await seed();
  const bearerKey = keys[0];
  const bearer = () => load({ url: `${url}${path}`, headers: { authorization: `Bearer ${bearerKey}` } });
  const signing = new SignedRequests(keys);
  const signed = () =>
    load({
      url,
      requests: [
        {
          method: 'GET',
          path,
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...signing.headers() } }),
        },
      ],
    });
  const e2eeKeys = generateE2eeKeyPair();
  const e2eeHeaders = { authorization: `Bearer ${bearerKey}`, 'x-e2e-public-key': e2eeKeys.publicKeyBase64 };
  const e2ee = () => load({ url: `${url}${path}`, headers: e2eeHeaders });

  // Each mode must really work before it is measured: a signed read and a decryptable envelope.
  const probe = await fetch(`${url}${path}`, { headers: signing.headers() });
  if (probe.status !== 200 || Object.keys((await probe.json()).secrets ?? {}).length !== 100) throw new Error(`signed read: ${probe.status}`);
  const envelope = await (await fetch(`${url}${path}`, { headers: e2eeHeaders })).json();
  if (!isE2eeEnvelope(envelope) || Object.keys(JSON.parse(decryptFromServer(e2eeKeys.privateKey, envelope)).secrets).length !== 100) throw new Error('E2EE read did not decrypt to 100 secrets');

  await bearer(); // warm-up (JIT, caches, connection pools)
  // Bearer is measured before and after the others; its mean is the baseline, and the gap between
  // the two runs shows how noisy the shared machine was.
  results.bearer1 = await bearer();
  console.log('bearer', results.bearer1);
  results.signed = await signed();
  console.log('signed', results.signed);
  results.e2ee = await e2ee();
  console.log('e2ee', results.e2ee);
  results.bearer2 = await bearer();
  console.log('bearer (again)', results.bearer2);
} finally {
  await stop(host);
  await rm(dataDir, { recursive: true, force: true });
}

const baseline = (results.bearer1.rps + results.bearer2.rps) / 2;
const pct = (r) => `${((r.rps / baseline) * 100).toFixed(1)} %`;
const row = (name, r, share, target) => `| ${name} | ${r.rps} | ${r.p50} ms | ${r.p99} ms | ${share} | ${target} |`;
const md = `# Authentication modes: reading an environment of 100 secrets

Recorded by \`node bench/auth-modes.mjs\` on ${results.date}: Node ${results.node}, ${results.cpus} cores (${results.cpuModel}).
Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run after a warm-up run, on the same machine as the
host (built, \`npm start\`, embedded PostgreSQL, default configuration) and its database.

| mode | requests/s | p50 | p99 | % of bearer | target |
|---|---|---|---|---|---|
${row('bearer key (run 1)', results.bearer1, '—', '')}
${row('HMAC-signed request', results.signed, pct(results.signed), '≥ 90 %')}
${row('bearer + E2EE response', results.e2ee, pct(results.e2ee), '≥ 70 %')}
${row('bearer key (run 2)', results.bearer2, '—', '')}

"% of bearer" is relative to the mean of the two bearer runs (${Math.round(baseline)} requests/s); the difference between
those two runs (${(Math.abs(results.bearer1.rps - results.bearer2.rps) / baseline * 100).toFixed(1)} %) is a measure of the noise: the load generator, the host and
PostgreSQL share the machine's cores with whatever else runs on it.

What each mode costs on top of a bearer read:

- **HMAC-signed**: the canonical request and an HMAC-SHA256 per request, and one \`INSERT … ON CONFLICT DO
  NOTHING\` into \`seen_signatures\` (the replay guard, shared by replicas). Every request carries a
  signature not seen before: the ${SIGNING_KEYS} Consumer keys of the environment each sign with timestamps spread
  over the ±300 s window, as many independent clients would.
- **E2EE**: per response an ephemeral P-256 key pair, ECDH with the client's key, HKDF and AES-256-GCM
  of the JSON (DESIGN §5). The envelope is checked to decrypt to the 100 secrets before the run.
`;
await writeFile(join(here, 'RESULTS-auth-modes.md'), md);
console.log(md);
process.exit(0);
