import { defineConfig } from 'vitest/config';

// Browser tests: the real server on a port, Debian's Chromium driven by playwright-core.
// `npm run test:e2e`; the dashboard is built by the global setup so that it is never stale.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts', 'tests/e2e/build-dashboard.ts'],
    pool: 'forks',
    fileParallelism: false,
    // Guards against a hung browser only; no test asserts how fast anything is.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
