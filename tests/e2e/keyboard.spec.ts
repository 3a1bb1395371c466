import type { Page } from '@playwright/test';
import { completeProviderLogin } from '../fixtures/browser';
import { expect, screen, test } from './fixtures';

/** Presses Tab until `target` has focus, checking that every stop shows a focus ring. */
async function tabTo(
  page: Page,
  target: ReturnType<Page['getByRole']>,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
): Promise<void> {
  for (let stop = 0; stop < 25; stop++) {
    await page.keyboard.press(key);
    const focused = page.locator(':focus');
    await expect(focused).toHaveCSS('outline-style', 'solid');
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

test('sign-in and metadata edit work with the keyboard alone', async ({ app, browser, provider }) => {
  const page = app.page;
  const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
  await expect(screen(page, 'signed-out')).toBeVisible();

  await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
  await page.keyboard.press('Enter');
  const url = await app.nextExternalUrl();
  await expect(screen(page, 'signing-in')).toBeVisible();
  // The provider's page is the provider's; the person signs in there as usual.
  const context = await browser.newContext();
  await completeProviderLogin(await context.newPage(), url, ada);
  await context.close();
  await expect(screen(page, 'signed-in')).toBeVisible();

  await tabTo(page, page.getByLabel('First name'));
  await page.keyboard.type('Ada');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Last name')).toBeFocused();
  await page.keyboard.type('Byron');
  await page.keyboard.press('Tab');
  const country = page.getByRole('combobox', { name: 'Country' });
  await expect(country).toBeFocused();
  await page.keyboard.type('germ');
  await expect(country).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('option', { name: 'Germany' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(country).toHaveValue('Germany');
  await expect(country).toHaveAttribute('aria-expanded', 'false');

  await tabTo(page, page.getByRole('button', { name: 'Add a field' }));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Key')).toBeFocused();
  await page.keyboard.type('pronouns');
  await page.keyboard.press('Tab');
  await page.keyboard.type('she/her');
  // Enter in a field submits the form, as in any form.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('save-ok')).toHaveText('Saved.');
  expect(provider.idp.users.metadataOf(ada.sub)).toEqual({
    first_name: 'Ada',
    last_name: 'Byron',
    country: 'DE',
    pronouns: 'she/her',
  });

  // Diagnostics (after the details, in reading order) open from the keyboard too.
  await tabTo(page, page.getByRole('button', { name: 'Show diagnostics' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('diagnostics')).toContainText(provider.settings.clientId);
});
