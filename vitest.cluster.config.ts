import { defineConfig } from 'vitest/config';

// Several real server processes sharing one native Postgres: needs DATABASE_URL (.ci/run sets it).
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
