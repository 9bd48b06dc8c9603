import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { randomApiKey, waitReady, stop, percentile } from './lib.mjs';
const port = 23000 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;
const adminKey = randomApiKey();
const dataDir = await mkdtemp(join(tmpdir(), 'keygate-lat-'));
const env = { ...process.env, KEYGATE_DATA_DIR: dataDir, PORT: String(port), KEYGATE_BOOTSTRAP_API_KEY: adminKey, KEYGATE_LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
const host = spawn(process.execPath, [...(process.env.NODE_ARGS ? process.env.NODE_ARGS.split(' ') : []), 'host/dist/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  await waitReady(`${url}/readyz`);
  const call = async (method, p, body) => { const r = await fetch(url + p, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) }); if (r.status >= 300) throw new Error(await r.text()); return r.json(); };
  await call('POST', '/api/v1/projects', { name: 'bench' });
  await call('POST', '/api/v1/projects/bench/environments', { name: 'prod' });
  for (let i = 0; i < 100; i++) await call('PUT', `/api/v1/projects/bench/environments/prod/providers/system/secrets/S_${i}`, { value: randomBytes(24).toString('base64') });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (p) => new Promise((resolve, reject) => { const t = process.hrtime.bigint(); http.get(url + p, { agent, headers: { authorization: `Bearer ${adminKey}` } }, (res) => { res.resume(); res.on('end', () => resolve(Number(process.hrtime.bigint() - t) / 1e6)); }).on('error', reject); });
  for (const [name, p] of [['healthz', '/healthz'], ['version', '/api/v1/projects/bench/environments/prod/secrets/version'], ['secrets', '/api/v1/projects/bench/environments/prod/secrets']]) {
    for (let i = 0; i < 300; i++) await get(p);
    const l = []; for (let i = 0; i < 2000; i++) l.push(await get(p));
    l.sort((a, b) => a - b);
    console.log(name, 'p50', percentile(l, 50).toFixed(3), 'p90', percentile(l, 90).toFixed(3), 'p99', percentile(l, 99).toFixed(3));
  }
} finally { await stop(host); await rm(dataDir, { recursive: true, force: true }); }
