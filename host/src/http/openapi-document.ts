import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface OpenApiDocument {
  openapi: string;
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

let cached: OpenApiDocument | undefined;

/** openapi.yaml at the repository root: the same file from sources (tests) and from dist. */
export function loadOpenApiDocument(): OpenApiDocument {
  cached ??= parse(readFileSync(fileURLToPath(new URL('../../../openapi.yaml', import.meta.url)), 'utf8')) as OpenApiDocument;
  return cached;
}
