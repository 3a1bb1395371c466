/**
 * `npm run screenshots`: a PNG of every screen and state in docs/screenshots/, taken from the
 * production renderer in the chromium harness (the real handler table, provider and private keyring).
 * Run inside scripts/with-keyring.sh after `npm run build:renderer`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { completeProviderLogin, launchBrowser } from '../tests/fixtures/browser';
import { KEYRING_ERRORS, realKeytar, withFaults } from '../tests/fixtures/keychain';
import { ChromiumApp, type ChromiumAppOptions } from '../tests/e2e/harness/chromium-app';
import type { IdpOptions } from '../idp';
import { startTestProvider, type TestProvider } from '../tests/e2e/harness/provider';

const OUT = 'docs/screenshots';

/** `window`: what the window shows, for a dialog, whose backdrop covers the window and not the page below it. */
async function shoot(page: Page, name: string, frame: 'page' | 'window' = 'page'): Promise<void> {
  // Let transitions and the pushed state settle; the spinner is still under reduced motion.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: frame === 'page' });
  console.log(`  ${OUT}/${name}.png`);
}

async function signIn(
  app: ChromiumApp,
  browser: Browser,
  provider: TestProvider,
  login = 'ada',
): Promise<void> {
  await app.page.getByRole('button', { name: 'Sign in' }).click();
  const url = await app.nextExternalUrl();
  const context = await browser.newContext();
  const account = provider.idp.accounts.find((candidate) => candidate.login === login)!;
  await completeProviderLogin(await context.newPage(), url, account);
  await context.close();
  await app.page.locator('main[data-screen="signed-in"]').waitFor();
  await app.page.getByLabel('First name').waitFor();
}

async function withApp(
  browser: Browser,
  options: Omit<ChromiumAppOptions, 'browser' | 'provider'>,
  run: (app: ChromiumApp, provider: TestProvider) => Promise<void>,
  providerOptions: IdpOptions = {},
): Promise<void> {
  const provider = await startTestProvider(providerOptions);
  const app = await ChromiumApp.launch({ browser, provider, ...options });
  try {
    await run(app, provider);
  } finally {
    await app.close();
    await provider.close();
  }
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      await withApp(browser, { colorScheme }, async (app, provider) => {
        const page = app.page;
        await page.locator('main[data-screen="signed-out"]').waitFor();
        await shoot(page, `01-signed-out-${colorScheme}`);

        await page.getByRole('button', { name: 'Sign in' }).click();
        const url = await app.nextExternalUrl();
        await page.getByRole('button', { name: 'Copy the link' }).click();
        await shoot(page, `02-waiting-for-browser-${colorScheme}`);
        const context = await browser.newContext();
        await completeProviderLogin(await context.newPage(), url, provider.idp.accounts[0]!);
        await context.close();
        await page.getByLabel('First name').waitFor();
        await page.getByLabel('First name').fill('Augusta Ada');
        await page.getByLabel('Last name').fill('King');
        await page.getByRole('combobox', { name: 'Country' }).fill('United Kingdom');
        await page.getByTestId('metadata-form').getByRole('button', { name: 'Save' }).click();
        await page.getByTestId('save-ok').waitFor();
        await shoot(page, `03-signed-in-${colorScheme}`);

        await page.getByRole('button', { name: 'Show diagnostics' }).click();
        await page.getByTestId('diagnostics').waitFor();
        await page.getByRole('button', { name: 'Add a field' }).click();
        await page.getByLabel('Key').fill('not valid!');
        await page.getByLabel('Value').fill('x');
        await page.getByTestId('metadata-form').getByRole('button', { name: 'Save' }).click();
        await page.getByRole('combobox', { name: 'Country' }).fill('ic');
        await page.keyboard.press('ArrowDown');
        await shoot(page, `04-editing-diagnostics-validation-${colorScheme}`);

        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await page.getByRole('dialog').waitFor();
        await shoot(page, `05-unsaved-changes-dialog-${colorScheme}`, 'window');
        await page.getByRole('button', { name: 'Keep editing' }).click();
        await page.getByRole('button', { name: 'Discard changes' }).click();
        await page.getByRole('button', { name: 'Sign out everywhere' }).click();
        await page.getByRole('dialog').waitFor();
        await shoot(page, `12-sign-out-everywhere-asked-${colorScheme}`, 'window');
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

        await provider.proxy.setMode('slow', { delayMs: 3_000 });
        await app.restart();
        await app.page.locator('main[data-screen="restoring"]').waitFor();
        await shoot(app.page, `06-restoring-${colorScheme}`);

        await provider.setNetwork('down');
        await app.restart();
        await app.page.locator('main[data-screen="offline"]').waitFor();
        await app.page.getByTestId('metadata-load-error').waitFor();
        await shoot(app.page, `07-offline-${colorScheme}`);

        await provider.setNetwork('pass');
        await provider.idp.revokeAllGrantsFor(provider.idp.accounts[0]!.sub);
        await app.restart();
        await app.page.getByTestId('reason-revoked').waitFor();
        await shoot(app.page, `08-signed-out-revoked-${colorScheme}`);
      });

      const keychainBackend = withFaults(await realKeytar(), {
        setPassword: () => new Error(KEYRING_ERRORS.noSecretService),
      });
      await withApp(browser, { colorScheme, keychainBackend }, async (app, provider) => {
        await signIn(app, browser, provider, 'alan');
        await app.page.getByTestId('memory-storage-notice').waitFor();
        await shoot(app.page, `09-memory-only-${colorScheme}`);
        await app.page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await app.page.getByRole('heading', { name: "You're signed out" }).waitFor();
        await shoot(app.page, `10-signed-out-by-person-${colorScheme}`);
      });
    }

    await withApp(browser, { viewport: { width: 640, height: 480 } }, async (app, provider) => {
      await signIn(app, browser, provider, 'grace');
      await shoot(app.page, '11-signed-in-640x480');
    });

    // Sign out everywhere while the provider cannot be reached: what was done, and what could not be.
    await withApp(browser, {}, async (app, provider) => {
      await signIn(app, browser, provider);
      await provider.setNetwork('down');
      await app.recheck();
      await app.page.locator('main[data-screen="offline"]').waitFor();
      await app.page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await app.page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await app.page.getByText('so it did not open your provider').waitFor();
      await shoot(app.page, '13-sign-out-explained-offline');
    });

    // "Use a different account": the provider shows its login page although the browser is signed in there.
    await withApp(browser, {}, async (app, provider) => {
      const context = await browser.newContext();
      const account = provider.idp.accounts[0]!;
      await app.page.getByRole('button', { name: 'Sign in' }).click();
      await completeProviderLogin(await context.newPage(), await app.nextExternalUrl(), account);
      await app.page.locator('main[data-screen="signed-in"]').waitFor();
      await app.page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await app.page.getByRole('heading', { name: "You're signed out" }).waitFor();
      await app.page.getByRole('button', { name: 'Use a different account' }).click();
      const tab = await context.newPage();
      await tab.goto(await app.nextExternalUrl());
      await tab.getByLabel('Login').waitFor();
      await tab.screenshot({ path: join(OUT, '14-different-account-provider-login.png'), fullPage: true });
      console.log(`  ${OUT}/14-different-account-provider-login.png`);
      await context.close();
    });

    // The browser could not reach Latchkey (a firewall on the loopback port): paste the address back.
    await withApp(browser, {}, async (app) => {
      const page = app.page;
      await page.getByRole('button', { name: 'Sign in' }).click();
      await app.nextExternalUrl();
      await page.getByText('Signed in, but your browser says it cannot reach the page?').click();
      await page
        .getByLabel(/Copy the whole address/)
        .fill('http://127.0.0.1:53682/callback?code=…&state=another');
      await page.getByRole('button', { name: 'Finish signing in' }).click();
      await page.getByTestId('paste-callback').getByRole('alert').waitFor();
      await shoot(page, '15-paste-callback');
    });

    // Auth0 (the local provider's strict Auth0 mode): the details say the browser will open before it does.
    await withApp(
      browser,
      {},
      async (app, provider) => {
        const page = app.page;
        await page.getByRole('button', { name: 'Sign in' }).click();
        const context = await browser.newContext();
        const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
        await completeProviderLogin(
          await context.newPage(),
          await app.nextExternalUrl(),
          ada,
          undefined,
          true,
        );
        await context.close();
        await page.getByTestId('account-access-step').waitFor();
        await shoot(page, '16-auth0-details-browser-step');
      },
      { behaviour: 'auth0-strict' },
    );
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
