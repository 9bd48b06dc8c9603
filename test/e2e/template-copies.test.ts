import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Each rotation template is copied on its own by users, so the shared files are duplicated on
// purpose; this keeps the copies identical so a fix in one reaches all three.
const TEMPLATES = ['aws-lambda', 'gcp-cloud-run', 'azure-functions'];
const SHARED_FILES = ['src/rotation-handler.ts', 'src/idempotency-store.ts', 'src/rotate-secret.ts'];

function read(template: string, file: string): string {
  return readFileSync(fileURLToPath(new URL(`../../templates/${template}/${file}`, import.meta.url)), 'utf8');
}

describe('rotation templates', () => {
  for (const file of SHARED_FILES) {
    it(`carry identical copies of ${file}`, () => {
      const [first, ...rest] = TEMPLATES.map((template) => read(template, file));
      for (const copy of rest) expect(copy).toBe(first);
    });
  }
});
