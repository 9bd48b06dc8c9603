// Regenerates the TypeScript types of openapi.yaml for the host and the SDK, and the JSON form the
// host loads at start (parsing the YAML took a quarter of a second of every start).
// `--check` fails (exit 1) when the committed output is stale, so CI catches a forgotten regenerate.
import openapiTS, { astToString } from 'openapi-typescript';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targets = ['host/src/generated/openapi.ts', 'sdk-generated/src/generated/openapi.ts'];
const check = process.argv.includes('--check');

const ast = await openapiTS(new URL(`file://${root}/openapi.yaml`), { exportType: false, alphabetize: false });
const banner = '// Generated from openapi.yaml by `npm run generate`. Do not edit.\n';
const output = banner + astToString(ast);

// The document as JSON, with the hash of the YAML it came from: the host uses it only while the
// hash matches (an edited openapi.yaml is parsed afresh until regenerated).
const yaml = await readFile(resolve(root, 'openapi.yaml'), 'utf8');
const json = `${JSON.stringify({ sourceSha256: createHash('sha256').update(yaml).digest('hex'), document: parse(yaml) })}\n`;
const outputs = [...targets.map((target) => [target, output]), ['host/src/generated/openapi.json', json]];

let stale = [];
for (const [target, content] of outputs) {
  const path = resolve(root, target);
  if (check) {
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== content) stale.push(target);
  } else {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}
if (stale.length > 0) {
  console.error(`Generated files are stale: ${stale.join(', ')}. Run \`npm run generate\` and commit the result.`);
  process.exit(1);
}
console.log(check ? 'generated files are up to date' : `wrote ${outputs.map(([target]) => target).join(', ')}`);
