import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadOpenApiDocument } from './openapi-document.js';

describe('the OpenAPI document', () => {
  it('is loaded from its generated JSON form, equal to openapi.yaml', () => {
    const text = readFileSync(new URL('../../../openapi.yaml', import.meta.url), 'utf8');
    const yaml = parse(text) as unknown;
    const generated = JSON.parse(readFileSync(new URL('../generated/openapi.json', import.meta.url), 'utf8')) as { sourceSha256: string; document: unknown };
    // The hash the loader compares: while it matches, the YAML is not parsed at start.
    expect(generated.sourceSha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(generated.document).toEqual(yaml);
    expect(loadOpenApiDocument()).toEqual(yaml);
  });
});
