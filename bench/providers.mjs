// `node bench/providers.mjs`: reading a 100-secret environment through the host from each cloud
// provider, against its plugin's protocol emulator with 5 ms of latency injected per upstream call.
// Counts upstream calls per read and measures read latency (p50/p99). Writes bench/RESULTS-providers.md.
// Runs on the built packages: `npm run build` first (npm ci does it). Uses an embedded PostgreSQL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { randomApiKey, percentile } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
for (const built of ['host/dist/index.js', 'plugins/provider-vault/dist/testing/vault-emulator.js']) {
  if (!existsSync(join(root, built))) {
    console.error(`${built} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

const { createLogger, loadConfig, startKeygate } = await import('@keygate/host');
const { VaultEmulator } = await import('@keygate/provider-vault/testing');
const { SecretsManagerEmulator } = await import('@keygate/provider-aws-secrets-manager/testing');
const { SsmEmulator } = await import('@keygate/provider-aws-parameter-store/testing');
const { KeyVaultEmulator } = await import('@keygate/provider-azure-key-vault/testing');
const { SecretManagerEmulator } = await import('@keygate/provider-gcp-secret-manager/testing');

const SECRETS = 100;
const LATENCY_MS = 5;
const WARMUP = 3;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const CONCURRENT = 20;
const CONCURRENT_READS = 5;

const sum = (record) => Object.values(record).reduce((total, n) => total + n, 0);
const diff = (after, before) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([name, n]) => [name, n - (before[name] ?? 0)])
      .filter(([, n]) => n > 0),
  );

/** Per type: the emulator, the configuration to create, how to read its call counters, the issue's bound. */
const cases = [
  {
    type: 'Vault',
    plugin: '@keygate/provider-vault',
    async start() {
      const emulator = await VaultEmulator.start({ tokens: ['bench-root'] });
      return {
        configuration: { address: emulator.address, auth: { method: 'token', token: 'bench-root' } },
        setLatency: (ms) => (emulator.latencyMs = ms),
        calls: () => ({ ...emulator.stats.requests }),
        resetConcurrency: () => (emulator.stats.maxConcurrentDataReads = 0),
        concurrency: () => emulator.stats.maxConcurrentDataReads,
        close: () => emulator.close(),
      };
    },
    target: 'parallel reads with bounded concurrency',
  },
  {
    type: 'AwsSecretsManager',
    plugin: '@keygate/provider-aws-secrets-manager',
    async start() {
      const emulator = await SecretsManagerEmulator.start({ region: 'eu-west-1' });
      return {
        configuration: { region: 'eu-west-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIABENCHMARK0000000', secretAccessKey: 'bench-secret' } },
        setLatency: (ms) => (emulator.latencyMs = ms),
        calls: () => ({ ...emulator.calls }),
        close: () => emulator.close(),
      };
    },
    target: '≤ 5 BatchGetSecretValue calls',
  },
  {
    type: 'AwsParameterStore',
    plugin: '@keygate/provider-aws-parameter-store',
    async start() {
      const emulator = await SsmEmulator.start({ region: 'eu-west-1' });
      return {
        configuration: { region: 'eu-west-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIABENCHMARK0000000', secretAccessKey: 'bench-secret' } },
        setLatency: (ms) => (emulator.latencyMs = ms),
        calls: () => ({ ...emulator.calls }),
        close: () => emulator.close(),
      };
    },
    target: '≤ 10 GetParametersByPath pages',
  },
  {
    type: 'AzureKeyVault',
    plugin: '@keygate/provider-azure-key-vault',
    async start() {
      const emulator = await KeyVaultEmulator.start({ pageSize: 25 });
      // ManagedIdentityCredential asks the emulator's metadata endpoint for its token.
      process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.vaultUrl;
      return {
        configuration: { vaultUrl: emulator.vaultUrl, allowInsecureConnection: true, auth: { method: 'managedIdentity' } },
        setLatency: (ms) => (emulator.latencyMs = ms),
        calls: () => Object.fromEntries(emulator.calls),
        resetConcurrency: () => (emulator.maxInFlight = 0),
        concurrency: () => emulator.maxInFlight,
        close: () => emulator.close(),
      };
    },
    target: 'parallel reads with bounded concurrency',
  },
  {
    type: 'GoogleSecretManager',
    plugin: '@keygate/provider-gcp-secret-manager',
    async start() {
      const emulator = await SecretManagerEmulator.start();
      return {
        configuration: { projectId: 'keygate-bench', apiEndpoint: emulator.host, port: emulator.port, protocol: 'http' },
        setLatency: (ms) => (emulator.latencyMs = ms),
        calls: () => emulator.callCounts(),
        resetConcurrency: () => (emulator.maxInFlight = 0),
        concurrency: () => emulator.maxInFlight,
        close: () => emulator.close(),
      };
    },
    target: 'parallel reads with bounded concurrency',
  },
];

const dataDir = await mkdtemp(join(tmpdir(), 'keygate-bench-providers-'));
const configFile = join(dataDir, 'keygate.yaml');
await writeFile(configFile, `plugins:\n${cases.map((c) => `  - package: '${c.plugin}'\n`).join('')}`);
const apiKey = randomApiKey();
// No DATABASE_URL: the host starts its embedded PostgreSQL in the data folder.
const env = { ...process.env, KEYGATE_DATA_DIR: dataDir, KEYGATE_BOOTSTRAP_API_KEY: apiKey, KEYGATE_LOG_LEVEL: 'warn', PORT: '0' };
delete env.DATABASE_URL;
const config = await loadConfig({
  env,
  cwd: dataDir,
  path: configFile,
});
config.server.host = '127.0.0.1';
const host = await startKeygate(config, { logger: createLogger({ level: 'warn', format: 'json', stream: { write: (line) => process.stderr.write(line) } }) });

async function api(method, path, body) {
  const response = await fetch(`${host.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

const results = [];
try {
  for (const c of cases) {
    const backend = await c.start();
    try {
      const slug = c.type.toLowerCase();
      await api('POST', '/providers', { name: c.type, slug, type: c.type, configuration: backend.configuration });
      await api('POST', '/projects', { name: `bench-${slug}`, slug: `bench-${slug}`, providerIds: [slug] });
      await api('POST', `/projects/bench-${slug}/environments`, { name: 'prod', slug: 'prod', providerIds: [slug] });
      const path = `/projects/bench-${slug}/environments/prod`;
      // Seeded through the gateway too, without injected latency.
      for (let i = 0; i < SECRETS; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, j) => api('PUT', `${path}/providers/${slug}/secrets/KEY_${String(i + j).padStart(3, '0')}`, { value: `value-${i + j}-${randomBytes(8).toString('hex')}` })),
        );
      }
      backend.setLatency(LATENCY_MS);
      for (let i = 0; i < WARMUP; i++) await api('GET', `${path}/secrets`);

      const before = backend.calls();
      backend.resetConcurrency?.();
      const once = await api('GET', `${path}/secrets`);
      if (Object.keys(once.secrets).length !== SECRETS) throw new Error(`${c.type}: read ${Object.keys(once.secrets).length} secrets, expected ${SECRETS}`);
      const perRead = diff(backend.calls(), before);
      const concurrency = backend.concurrency?.();

      const times = [];
      const startCalls = sum(backend.calls());
      for (let i = 0; i < ITERATIONS; i++) {
        const started = performance.now();
        await api('GET', `${path}/secrets`);
        times.push(performance.now() - started);
      }
      const callsPerRead = (sum(backend.calls()) - startCalls) / ITERATIONS;
      times.sort((a, b) => a - b);

      // CONCURRENT clients reading the environment over and over: reads made together share the
      // provider's backend reads (core SharedReads), so calls per read fall below one read's.
      const concurrentStart = sum(backend.calls());
      const concurrentStarted = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          for (let i = 0; i < CONCURRENT_READS; i++) await api('GET', `${path}/secrets`);
        }),
      );
      const concurrentMs = performance.now() - concurrentStarted;
      const concurrentCallsPerRead = (sum(backend.calls()) - concurrentStart) / (CONCURRENT * CONCURRENT_READS);
      const result = {
        type: c.type,
        perRead,
        callsPerRead,
        concurrency,
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        target: c.target,
        concurrentCallsPerRead,
        concurrentReadsPerSecond: (CONCURRENT * CONCURRENT_READS * 1000) / concurrentMs,
      };
      results.push(result);
      console.log(`${c.type}: ${callsPerRead} calls/read ${JSON.stringify(perRead)}, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    } finally {
      await backend.close();
    }
  }
} finally {
  await host.close();
  await rm(dataDir, { recursive: true, force: true });
}

const describeCalls = (record) =>
  Object.entries(record)
    .map(([name, n]) => `${n} × ${name}`)
    .join(', ');
const verdict = (r) => {
  if (r.type === 'AwsSecretsManager') return (r.perRead.BatchGetSecretValue ?? 0) <= 5 ? 'met' : 'NOT met';
  if (r.type === 'AwsParameterStore') return (r.perRead.GetParametersByPath ?? 0) <= 10 ? 'met' : 'NOT met';
  return r.concurrency === undefined ? 'bounded by the plugin (not observable in this emulator)' : r.concurrency > 1 ? `met (at most ${r.concurrency} in flight)` : 'NOT met (sequential)';
};

const lines = [
  '# Cloud provider benchmark results',
  '',
  `Recorded by \`node bench/providers.mjs\` on ${new Date().toISOString()}: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}).`,
  `Each case: one environment of ${SECRETS} secrets in one cloud provider, read through the host`,
  `(\`GET /api/v1/projects/{p}/environments/{e}/secrets\`, bearer key, audit on) ${ITERATIONS} times one after the other`,
  `after ${WARMUP} warm-up reads. The provider is the plugin driving the official SDK against its protocol emulator`,
  `(a real HTTP server on loopback) with ${LATENCY_MS} ms of latency injected before every upstream answer.`,
  'Calls per read are counted by the emulator (HTTP requests it answered, including authentication challenges).',
  '',
  '| provider | upstream calls per read | of which | p50 | p99 | issue target | |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.type} | ${r.callsPerRead} | ${describeCalls(r.perRead)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.target} | ${verdict(r)} |`,
  ),
  '',
  `${CONCURRENT} clients reading the same environment ${CONCURRENT_READS} times each, one read after the other per client: reads`,
  'made together share the provider\'s backend reads (core `SharedReads`; never one that began before them).',
  '',
  '| provider | upstream calls per read | reads/s |',
  '|---|---|---|',
  ...results.map((r) => `| ${r.type} | ${r.concurrentCallsPerRead.toFixed(1)} | ${r.concurrentReadsPerSecond.toFixed(0)} |`),
  '',
  `Latency floor: a read cannot be faster than its sequential upstream round trips × ${LATENCY_MS} ms, e.g.`,
  'Vault: 1 LIST, then 100 GETs 8 at a time = 14 round trips ≈ 70 ms. Host, emulators and the embedded',
  'PostgreSQL share the machine; the figures are for comparison between providers, not capacity planning.',
  '',
];
await writeFile(join(here, 'RESULTS-providers.md'), lines.join('\n'));
console.log(`wrote ${join('bench', 'RESULTS-providers.md')}`);
