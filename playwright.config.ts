import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './tests/fixtures/browser';
import type { AppKindOption } from './tests/e2e/fixtures';

/**
 * End-to-end tests, one suite run by two projects:
 * - chromium: the production renderer build in Debian Chromium, window.latchkey bridged to the real
 *   handler table (createServices) with the real keychain and the real local provider;
 * - electron: the real app, where the Electron binary is installed (skipped, with the reason, where not).
 * Run inside scripts/with-keyring.sh (private gnome-keyring). The renderer is built in global setup.
 */
export default defineConfig<AppKindOption>({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: true,
  // Two, locally and on CI alike: the build machines have two cores, and each worker drives a Chromium of
  // its own beside a provider per test; more workers would only contend for the cores.
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: { appKind: 'chromium' } },
    { name: 'electron', use: { appKind: 'electron' } },
  ],
});
