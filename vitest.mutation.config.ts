import { defineConfig } from 'vitest/config';
import { config } from './vitest.config';

/**
 * The tests `npm run mutation` (stryker.config.mjs) runs against each mutant: the unit project
 * alone. It needs nothing installed and runs in seconds; the integration project needs the private
 * keyring and Chromium and takes minutes, which a run over thousands of mutants cannot afford.
 */
export default defineConfig({
  test: {
    ...config.test,
    projects: [{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } }],
  },
});
