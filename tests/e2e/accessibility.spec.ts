import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { KEYRING_ERRORS, realKeytar, withFaults } from '../fixtures/keychain';
import { expect, screen, signIn, test } from './fixtures';

/** No axe-core violation (WCAG 2.x A/AA rules and best practices) on what the page shows now. */
async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility, ${colorScheme} theme`, () => {
    // Each walk runs axe on ten screens or more, each analysis a few seconds of CPU: on a loaded
    // 2-core machine the walk alone passes 60 s. The per-step expectations keep their own timeouts.
    test.describe.configure({ timeout: 180_000 });
    test('every screen of a sign-in, an edit and a sign-out', async ({ launchApp, browser, provider }) => {
      const app = await launchApp({ colorScheme });
      const page = app.page;
      await expect(screen(page, 'signed-out')).toBeVisible();
      await expectNoViolations(page, 'signed out');

      await signIn(app, browser, provider, 'alan', async () => {
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(screen(page, 'signing-in')).toBeVisible();
        await page.getByRole('button', { name: 'Copy the link' }).click();
        await expect(
          page.getByLabel('Copy this link into your browser').or(page.getByTestId('link-copied')),
        ).toBeVisible();
        await expectNoViolations(page, 'waiting for the browser');
        await page.getByText('Signed in, but your browser says it cannot reach the page?').click();
        await page.getByRole('button', { name: 'Finish signing in' }).click();
        await expect(page.getByTestId('paste-callback').getByRole('alert')).toBeVisible();
        await expectNoViolations(page, 'pasting the callback address, refused');
      });
      await expect(page.getByLabel('First name')).toBeVisible();
      await expectNoViolations(page, 'signed in');

      await page.getByRole('button', { name: 'Show diagnostics' }).click();
      await expect(page.getByTestId('diagnostics')).toBeVisible();
      const form = page.getByTestId('metadata-form');
      await form.getByRole('button', { name: 'Add a field' }).click();
      await page.getByLabel('Key').fill('not.valid');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form.getByText('A key cannot contain')).toBeVisible();
      await page.getByRole('combobox', { name: 'Country' }).fill('ic');
      await expect(page.getByRole('listbox')).toBeVisible();
      await page.keyboard.press('ArrowDown');
      await expectNoViolations(page, 'signed in, diagnostics open, validation messages, country list open');

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoViolations(page, 'unsaved changes dialog');
      await page.getByRole('dialog').getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect(page.getByRole('heading', { name: "You're signed out" })).toBeVisible();
      await expectNoViolations(page, 'signed out by the person');
    });

    test('the other theme, chosen in the app over the system one', async ({
      launchApp,
      browser,
      provider,
    }) => {
      const app = await launchApp({ colorScheme });
      const page = app.page;
      const other = colorScheme === 'light' ? 'dark' : 'light';
      await page.getByLabel('Theme').selectOption(other);
      await expect(page.locator('html')).toHaveAttribute('data-theme', other);
      await expectNoViolations(page, `signed out, ${other} chosen`);
      await signIn(app, browser, provider);
      await expect(page.getByLabel('First name')).toBeVisible();
      await expectNoViolations(page, `signed in, ${other} chosen`);
      await page.getByLabel('First name').fill('Unsaved');
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoViolations(page, `sign out everywhere with unsaved changes, ${other} chosen`);
      await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await expect(page.getByTestId('draft-kept')).toBeVisible();
      await expectNoViolations(page, `signed out with a kept draft, ${other} chosen`);
    });

    test('restoring, offline and revoked', async ({ launchApp, browser, provider, appKind }) => {
      test.skip(appKind === 'electron', 'provider faults are injected through the in-process harness fetch');
      const app = await launchApp({ colorScheme });
      await signIn(app, browser, provider);

      await provider.proxy.setMode('slow', { delayMs: 4_000 });
      await app.restart();
      await expect(screen(app.page, 'restoring')).toBeVisible();
      await expectNoViolations(app.page, 'restoring');

      await provider.setNetwork('down');
      await app.restart();
      await expect(screen(app.page, 'offline')).toBeVisible();
      await expect(app.page.getByTestId('metadata-load-error')).toBeVisible();
      await expectNoViolations(app.page, 'offline');

      await provider.setNetwork('pass');
      await provider.idp.revokeAllGrantsFor(provider.idp.accounts[0]!.sub);
      await app.restart();
      await expect(app.page.getByTestId('reason-revoked')).toBeVisible();
      await expectNoViolations(app.page, 'signed out, session revoked');
    });

    test('session kept in memory only', async ({ launchApp, browser, provider }) => {
      // The one fault a healthy private keyring cannot produce on demand: no Secret Service.
      const keychainBackend = withFaults(await realKeytar(), {
        setPassword: () => new Error(KEYRING_ERRORS.noSecretService),
      });
      const app = await launchApp({ colorScheme, keychainBackend });
      await signIn(app, browser, provider);
      await expect(app.page.getByTestId('memory-storage-notice')).toBeVisible();
      await expect(app.page.getByTestId('storage-kind')).toHaveText('Memory only (until you quit)');
      await expectNoViolations(app.page, 'memory-only session');
    });
  });
}
