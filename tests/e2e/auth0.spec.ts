import { completeProviderLogin } from '../fixtures/browser';
import { expect, screen, test } from './fixtures';

/**
 * Auth0 as it really is (the local provider's strict Auth0 mode, idp/README.md): the details need a
 * Management API token of their own, got by a second browser step that the page announces before
 * anything opens the browser.
 */
test.use({ providerOptions: { behaviour: 'auth0-strict' } });

test.describe('Auth0: the details need their own permission', () => {
  test('the page says the browser will open, "Continue in browser" gets the permission, then the details are edited and saved', async ({
    app,
    appKind,
    browser,
    provider,
  }) => {
    test.skip(
      appKind === 'electron',
      'the Auth0 settings here point at a local http provider, which only the in-process harness can configure (an Auth0 domain is https)',
    );
    const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
    const context = await browser.newContext();
    try {
      await expect(screen(app.page, 'signed-out')).toBeVisible();
      await app.page.getByRole('button', { name: 'Sign in' }).click();
      await completeProviderLogin(await context.newPage(), await app.nextExternalUrl(), ada, undefined, true);
      await expect(screen(app.page, 'signed-in')).toBeVisible();

      // Said before anything opens the browser.
      const step = app.page.getByTestId('account-access-step');
      await expect(step).toContainText('Your browser will open');
      await expect(step).toContainText("Auth0's Management API");
      expect(app.externalUrls).toHaveLength(1);

      await step.getByRole('button', { name: 'Continue in browser' }).click();
      const url = new URL(await app.nextExternalUrl());
      expect(url.searchParams.get('audience')).toBe(provider.idp.audience);
      // The provider's browser session answers: its "Authorize App" page, one Accept.
      const landing = await completeProviderLogin(await context.newPage(), url.href, ada);
      expect(landing.formShown).toBe(false);

      const form = app.page.getByTestId('metadata-form');
      await app.page.getByLabel('First name').fill('Augusta Ada');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form.getByTestId('save-ok')).toHaveText('Saved.');
      expect(provider.idp.users.metadataOf(ada.sub)).toMatchObject({ first_name: 'Augusta Ada' });
    } finally {
      await context.close();
    }
  });
});
