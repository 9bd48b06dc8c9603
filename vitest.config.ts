import { defineConfig } from 'vitest/config';
import { defaultClientConditions } from 'vite';

export default defineConfig({
  // Workspace packages export `source` (their TypeScript) so tests run without a build.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Workers get these as Node `--conditions`: no `module`, which would send packages such as the
  // AWS SDK to builds only a bundler can load.
  ssr: { resolve: { conditions: ['source', 'node', 'development|production'] } },
  test: {
    include: ['**/src/**/*.test.ts', 'test/**/*.test.ts', 'templates/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
