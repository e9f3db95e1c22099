import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    // PGlite's first query in a file compiles WASM; native Postgres template copies can queue.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // `npm test` runs it with TZ=Pacific/Auckland (a zone far from Europe/Rome, with its own DST):
    // nothing may depend on the host's zone.
  },
});
