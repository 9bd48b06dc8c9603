import { readFileSync } from 'node:fs';

/** Read from package.json at run time so the version is never restated (and never drifts) here. */
function readVersion(): string {
  // The same relative path works from src/ (tests) and dist/ (the installed binary).
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

export const CLI_VERSION = readVersion();
