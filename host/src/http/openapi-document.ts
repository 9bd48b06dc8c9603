import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface OpenApiDocument {
  openapi: string;
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

let cached: OpenApiDocument | undefined;

/**
 * openapi.yaml at the repository root: the same file from sources (tests) and from dist (both are
 * two levels below the package). `npm run generate` also writes it as JSON with the YAML's hash,
 * which loads in milliseconds where parsing the YAML takes a quarter of a second of every start;
 * while the YAML has been edited since, it is parsed as before.
 */
export function loadOpenApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const yaml = readFileSync(fileURLToPath(new URL('../../../openapi.yaml', import.meta.url)), 'utf8');
  const generated = readGenerated();
  cached = generated?.sourceSha256 === createHash('sha256').update(yaml).digest('hex') ? generated.document : (parse(yaml) as OpenApiDocument);
  return cached;
}

function readGenerated(): { sourceSha256: string; document: OpenApiDocument } | undefined {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('../../src/generated/openapi.json', import.meta.url)), 'utf8')) as { sourceSha256: string; document: OpenApiDocument };
  } catch {
    return undefined;
  }
}
