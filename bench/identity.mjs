// Keyless exchange benchmark: `node bench/identity.mjs` (after `npm run build`).
// Starts an OIDC issuer (node:http + jose) and the built host with the identity plugins, creates a
// GitHub trust domain, warms the JWKS cache, then measures POST /api/v1/token: sequential latency
// (p50/p99) and throughput with concurrent clients. Each token has its own jti (a token is accepted
// once), so tokens are minted before timing starts. Writes bench/RESULTS-identity.md.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomApiKey, waitReady, stop, percentile } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const main = join(root, 'host/dist/main.js');
for (const built of [main, join(root, 'plugins/identity-github/dist/index.js')]) {
  if (!existsSync(built)) {
    console.error(`${built} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}
const SEQUENTIAL = Number(process.env.BENCH_IDENTITY_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_IDENTITY_CONCURRENT ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_IDENTITY_CONNECTIONS ?? 16);
const AUDIENCE = 'https://keygate.bench';
const apiKey = randomApiKey();

async function startIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let issuer;
  const counts = { jwks: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks') {
      counts.jwks++;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  const claims = { sub: 'repo:octo-org/app:ref:refs/heads/main', repository: 'octo-org/app', repository_id: '74', repository_owner_id: '65', ref: 'refs/heads/main' };
  const mint = () => new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(privateKey);
  return { issuer, mint, counts, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function exchange(url, oidcToken) {
  const res = await fetch(`${url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oidcToken }) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}: ${body}`);
}

const issuer = await startIssuer();
const dataDir = await mkdtemp(join(tmpdir(), 'keygate-bench-identity-'));
const configFile = join(dataDir, 'keygate.yaml');
await writeFile(configFile, ['plugins:', '  - package: "@keygate/identity-github"', 'outbound:', '  allowLoopback: true', ''].join('\n'));
const port = 21000 + Math.floor(Math.random() * 10000);
const env = { ...process.env, KEYGATE_DATA_DIR: dataDir, KEYGATE_CONFIG: configFile, PORT: String(port), KEYGATE_BOOTSTRAP_API_KEY: apiKey, KEYGATE_LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
const child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
try {
  await waitReady(`${url}/readyz`, 90_000);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  await call('POST', '/api/v1/projects', { name: 'bench' });
  const environment = await call('POST', '/api/v1/projects/bench/environments', { name: 'prod' });
  await call('POST', `/api/v1/environments/${environment.id}/trust-domains`, {
    name: 'bench CI',
    provider: 'GitHub',
    issuer: issuer.issuer,
    audience: AUDIENCE,
    settings: { repositoryId: '74', repository: 'octo-org/app', branch: 'main' },
  });

  // The floor on this machine right now: an authenticated read of the caller's own key.
  const floor = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/api/v1/keys/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    await res.text();
    if (i >= 50) floor.push(performance.now() - started);
  }
  floor.sort((a, b) => a - b);

  const tokens = [];
  for (let i = 0; i < SEQUENTIAL + CONCURRENT + 50; i++) tokens.push(await issuer.mint());
  // Warm: the JWKS cache, the identity provider instance, connection pools, JIT.
  for (let i = 0; i < 50; i++) await exchange(url, tokens.pop());
  const fetchesAfterWarmUp = issuer.counts.jwks;

  const latencies = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const token = tokens.pop();
    const started = performance.now();
    await exchange(url, token);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < CONCURRENT) {
        const token = tokens[next++];
        await exchange(url, token);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const throughput = Math.round(CONCURRENT / seconds);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const jwksFetches = issuer.counts.jwks - fetchesAfterWarmUp;

  const rows = [
    ['sequential exchange latency p50', `${p50.toFixed(2)} ms`, '≤ 5 ms', p50 <= 5 ? 'met' : 'missed'],
    ['sequential exchange latency p99', `${p99.toFixed(2)} ms`, '', ''],
    [`throughput (${CONNECTIONS} concurrent clients, ${CONCURRENT} exchanges)`, `${throughput} /s`, '≥ 500 /s', throughput >= 500 ? 'met' : 'missed'],
    ['for comparison: `GET /api/v1/keys/me` p50 (no database write)', `${percentile(floor, 50).toFixed(2)} ms`, '', ''],
    ['JWKS fetches during the measurement', String(jwksFetches), '0 (warm cache)', jwksFetches === 0 ? 'met' : 'missed'],
  ];
  const report = [
    '# Keyless exchange benchmark',
    '',
    `Written by \`node bench/identity.mjs\` on ${new Date().toISOString()} (${cpus().length} CPU cores: ${cpus()[0]?.model ?? 'unknown'}; Node ${process.version}; load average ${loadavg().map((n) => n.toFixed(2)).join(' / ')} at the end of the run).`,
    '',
    'The built host with `@keygate/identity-github` and its embedded PostgreSQL; a GitHub trust domain',
    'pointing at an OIDC issuer served by the benchmark (RS256, discovery + JWKS over HTTP on loopback).',
    'Each `POST /api/v1/token` verifies the token (signature, issuer, audience, lifetime, repository and',
    'branch rules), records its `jti` (replay refusal), creates an encrypted expiring environment key and',
    'writes an audit row. Tokens are minted before timing (each needs its own `jti`); the client is',
    '`fetch` in the same machine, so its own cost is included in the figures.',
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'Where the time goes: besides the signature check (well under a millisecond), an exchange makes two',
    'database round trips — the trust-domain lookup, then one statement that records the token id (replay',
    'refusal), inserts the key and appends the audit row, committed once (durably) before the key is returned.',
    'Exchanges that arrive together share that statement (group commit), so under load a commit serves many.',
    'Before this design (three commits: token id, key, audit row) the same run measured p50 8.55 ms and',
    '296 exchanges/s. `GET /api/v1/keys/me` makes no database write. The figures follow the database and the',
    'machine\'s load: compare the load average above with the number of cores.',
    '',
  ].join('\n');
  await writeFile(join(here, 'RESULTS-identity.md'), report);
  process.stdout.write(report);
} finally {
  await stop(child);
  await issuer.close();
  await rm(dataDir, { recursive: true, force: true });
}
