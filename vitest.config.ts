import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share one Postgres and one Redis; files run in parallel in separate
    // workers but each file isolates itself (own schema / own queue prefix).
    pool: 'forks',
    reporters: ['default'],
  },
});
