// Regenerates the TypeScript types of openapi.yaml for the host and the SDK.
// `--check` fails (exit 1) when the committed output is stale, so CI catches a forgotten regenerate.
import openapiTS, { astToString } from 'openapi-typescript';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targets = ['host/src/generated/openapi.ts', 'sdk-generated/src/generated/openapi.ts'];
const check = process.argv.includes('--check');

const ast = await openapiTS(new URL(`file://${root}/openapi.yaml`), { exportType: false, alphabetize: false });
const banner = '// Generated from openapi.yaml by `npm run generate`. Do not edit.\n';
const output = banner + astToString(ast);

let stale = [];
for (const target of targets) {
  const path = resolve(root, target);
  if (check) {
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== output) stale.push(target);
  } else {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, output);
  }
}
if (stale.length > 0) {
  console.error(`Generated types are stale: ${stale.join(', ')}. Run \`npm run generate\` and commit the result.`);
  process.exit(1);
}
console.log(check ? 'generated types are up to date' : `wrote ${targets.join(', ')}`);
