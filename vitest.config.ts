import { defineConfig } from 'vitest/config';

/**
 * Two projects (docs/ARCHITECTURE.md, "Tests"):
 * - unit: tests/unit, one module at a time with fakes where needed; needs nothing installed
 *   (no keyring, no browser), so `npm run test:unit` runs anywhere in seconds;
 * - integration: tests/integration, the real parts together: the real local provider, the real
 *   Secret Service keyring (run inside scripts/with-keyring.sh) and Debian Chromium.
 */
export const config = defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites each start their own provider on an ephemeral port; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'] } },
    ],
    coverage: {
      provider: 'v8',
      include: ['main/**', 'common/**', 'idp/**', 'preload/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});

export default config;
