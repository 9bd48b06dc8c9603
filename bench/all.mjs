// `npm run bench`: every benchmark, one after the other (they share the machine's cores, so never
// at once). Each writes its own results file; `BENCH_ONLY=identity,rotation npm run bench` picks some.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHES = [
  ['run', 'start-up and environment reads', 'RESULTS.md'],
  ['auth-modes', 'bearer vs HMAC-signed vs E2EE reads', 'RESULTS-auth-modes.md'],
  ['identity', 'keyless OIDC exchange', 'RESULTS-identity.md'],
  ['http-rest', 'HttpRest provider overhead', 'RESULTS-http-rest.md'],
  ['outbound', 'outbound HTTP client overhead', 'RESULTS-outbound.md'],
  ['providers', 'cloud providers with injected latency', 'RESULTS-providers.md'],
  ['rotation', '1,000 rotations falling due at once', 'RESULTS-rotation.md'],
  ['cli', '`keygate run -- true` wall time', 'RESULTS-cli.md'],
];

const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = only?.filter((name) => !BENCHES.some(([bench]) => bench === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${BENCHES.map(([name]) => name).join(', ')}`);
  process.exit(2);
}
for (const [name, what, results] of BENCHES) {
  if (only && !only.includes(name)) continue;
  console.log(`\n== ${name}: ${what} → bench/${results}`);
  const { status } = spawnSync(process.execPath, [join(here, `${name}.mjs`)], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`bench ${name} failed (exit ${status})`);
    process.exit(1);
  }
}
