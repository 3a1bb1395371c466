import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites each start their own provider on an ephemeral port; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['main/**', 'common/**', 'idp/**', 'preload/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});

export default config;
