import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['server/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // TEST_ENGINE=pg (npm run test:pg): one migrated template database per run; see db/testing/test-engine.ts.
    globalSetup: ['db/testing/pg-global-setup.ts'],
    // Tests talk to loopback fakes only; a proxy would swallow those requests.
    env: { http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' },
  },
});
