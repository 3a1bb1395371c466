import { test as base, expect, type Browser, type Page } from '@playwright/test';
import type { IdpOptions } from '../../idp';
import type { ServicesOptions } from '../../main/services';
import type { KeychainBackend } from '../../main/keychain/keychain-store';
import { completeProviderLogin, type LoopbackLanding } from '../fixtures/browser';
import type { AppDriver } from './harness/app-driver';
import { ChromiumApp } from './harness/chromium-app';
import { ElectronApp } from './harness/electron-app';
import { findElectronBinary, planElectronProject } from './harness/electron-binary';
import { startTestProvider, type TestProvider } from './harness/provider';

export interface AppKindOption {
  appKind: 'chromium' | 'electron';
}

export interface LaunchOptions {
  colorScheme?: 'light' | 'dark';
  /** Chromium harness only: a keychain backend with injected faults. */
  keychainBackend?: KeychainBackend;
  /** Chromium harness only: what the shell says of the provider (the Electron app decides itself). */
  providerKind?: 'local-demo' | 'configured';
}

interface Fixtures {
  /** Options for this test's local provider (e.g. short access tokens). */
  providerOptions: IdpOptions;
  /** Session settings for the chromium harness (retry timing). */
  sessionOptions: ServicesOptions['sessionOptions'];
  provider: TestProvider;
  launchApp: (options?: LaunchOptions) => Promise<AppDriver>;
  /** The app, launched with defaults on first use. */
  app: AppDriver;
}

export const test = base.extend<Fixtures & AppKindOption>({
  appKind: ['chromium', { option: true }],
  providerOptions: [{}, { option: true }],
  sessionOptions: [{}, { option: true }],

  provider: async ({ providerOptions }, use) => {
    const provider = await startTestProvider(providerOptions);
    await use(provider);
    await provider.close();
  },

  launchApp: async ({ appKind, browser, provider, sessionOptions }, use, testInfo) => {
    const launched: AppDriver[] = [];
    const electron = appKind === 'electron' ? planElectronProject(findElectronBinary()) : null;
    await use(async (options = {}) => {
      let app: AppDriver;
      if (electron) {
        // LATCHKEY_REQUIRE_ELECTRON=1 (CI): a missing binary is a failure, never a quiet skip.
        if (electron.action === 'fail') throw new Error(electron.reason);
        if (electron.action === 'skip') testInfo.skip(true, electron.reason);
        if (options.keychainBackend)
          testInfo.skip(true, 'keychain fault injection needs the in-process harness');
        app = await ElectronApp.launch({
          executablePath: (electron as { executablePath: string }).executablePath,
          provider,
          colorScheme: options.colorScheme,
        });
      } else {
        app = await ChromiumApp.launch({
          browser,
          provider,
          session: sessionOptions,
          colorScheme: options.colorScheme,
          keychainBackend: options.keychainBackend,
          providerKind: options.providerKind,
        });
      }
      launched.push(app);
      return app;
    });
    for (const app of launched) await app.close();
  },

  app: async ({ launchApp }, use) => {
    await use(await launchApp());
  },
});

export { expect };

export function screen(page: Page, name: string) {
  return page.locator(`main[data-screen="${name}"]`);
}

/**
 * A first sign-in as a person does it: "Sign in" in the app, the provider's login form in the
 * browser (a second page of the same browser), back to the app's profile.
 */
export async function signIn(
  app: AppDriver,
  browser: Browser,
  provider: TestProvider,
  login = 'ada',
  start: () => Promise<void> = () => app.page.getByRole('button', { name: 'Sign in' }).click(),
  /** Scopes to untick on the provider's consent page (only for a provider with `consent: 'partial-allowed'`). */
  refuseScopes?: readonly string[],
): Promise<LoopbackLanding> {
  const account = provider.idp.accounts.find((candidate) => candidate.login === login);
  if (!account) throw new Error(`no demo account ${login}`);
  await expect(screen(app.page, 'signed-out')).toBeVisible();
  await start();
  const url = await app.nextExternalUrl();
  await expect(screen(app.page, 'signing-in')).toBeVisible();
  const context = await browser.newContext();
  try {
    const landing = await completeProviderLogin(await context.newPage(), url, account, refuseScopes);
    await expect(screen(app.page, 'signed-in')).toBeVisible();
    return landing;
  } finally {
    await context.close();
  }
}
