import { expect, screen, signIn, test } from './fixtures';

test.describe('first sign-in', () => {
  test('signs in through the browser and shows the profile from the provider', async ({
    app,
    browser,
    provider,
  }) => {
    await expect(app.page.getByRole('heading', { name: 'Latchkey', level: 1 })).toBeVisible();
    const landing = await signIn(app, browser, provider, 'ada');

    expect(landing.status).toBe(200);
    const page = app.page;
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await expect(page.getByTestId('profile-email')).toHaveText('ada@latchkey.example');
    await expect(page.getByTestId('profile').getByText('Verified', { exact: true })).toBeVisible();
    await expect(page.getByTestId('storage-kind')).toHaveText("This computer's keychain");
    // The picture is main's cached copy of the provider's avatar, loaded under the page's CSP.
    const picture = page.getByTestId('avatar-picture');
    await expect(picture).toBeVisible();
    await expect
      .poll(() => picture.evaluate((image: HTMLImageElement) => image.naturalWidth))
      .toBeGreaterThan(0);
    expect(await app.hasStoredSession()).toBe(true);
  });

  test('shows the sign-in link to copy and lets the person cancel', async ({ app, browser, provider }) => {
    const page = app.page;
    await page.getByRole('button', { name: 'Sign in' }).click();
    const url = await app.nextExternalUrl();
    await expect(screen(page, 'signing-in')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
    // What to check if the provider refuses the redirect address: the exact URI this attempt waits on.
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await expect(page.getByTestId('redirect-hint')).toContainText(redirectUri);
    await expect(page.getByTestId('redirect-hint')).toContainText(
      `"redirectPorts": [${new URL(redirectUri).port}]`,
    );

    // The clipboard is refused in this headless page: the link is offered in a selectable field instead.
    await page.getByRole('button', { name: 'Copy the link' }).click();
    const field = page.getByLabel('Copy this link into your browser');
    await expect(field.or(page.getByTestId('link-copied'))).toBeVisible();
    if (await field.isVisible()) await expect(field).toHaveValue(url);

    await page.getByRole('button', { name: 'Open the page again' }).click();
    expect(await app.nextExternalUrl()).toBe(url);

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(screen(page, 'signed-out')).toBeVisible();
    // The link could finish the sign-in for whoever holds it: nothing on the page keeps it now.
    const attemptState = new URL(url).searchParams.get('state')!;
    const pageText = () =>
      page.evaluate(
        () =>
          `${document.body.innerText} ${document.body.innerHTML} ` +
          [...document.querySelectorAll('input')].map((input) => input.value).join(' '),
      );
    expect(await pageText()).not.toContain(attemptState);
    // The person's own cancel needs no explanation: back to the start, nothing reported as wrong.
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect(page.getByRole('alert')).toHaveCount(0);

    // A fresh attempt still works after the cancelled one.
    await signIn(app, browser, provider, 'grace');
    await expect(page.getByRole('heading', { name: 'Grace Hopper' })).toBeVisible();
  });
});

test.describe('a provider that grants less than asked (partial consent)', () => {
  test.use({ providerOptions: { behaviour: { consent: 'partial-allowed' } } });

  test('says what is missing and that the person will have to sign in again', async ({
    app,
    browser,
    provider,
  }) => {
    await signIn(app, browser, provider, 'ada', undefined, ['profile', 'email', 'offline_access']);
    const notice = app.page.getByTestId('grant-notice');
    await expect(notice).toContainText('you will need to sign in again when this session expires');
    await expect(notice).toContainText('did not share your name and picture');
    await expect(notice).toContainText('did not share your email address');
    await app.page.getByRole('button', { name: 'Show diagnostics' }).click();
    await expect(app.page.getByTestId('diagnostics-granted-scopes')).toHaveText(
      'openid read:current_user update:current_user_metadata',
    );
  });
});

test.describe('the local demo provider', () => {
  test.skip(
    ({ appKind }) => appKind === 'electron',
    'the Electron app under test is configured explicitly; it chooses the demo provider only when nothing is',
  );

  test('is named in a banner when the shell says it is in use, and only then', async ({
    launchApp,
    provider,
  }) => {
    const demo = await launchApp({ providerKind: 'local-demo' });
    const banner = demo.page.getByTestId('demo-banner');
    await expect(banner).toContainText('Demo mode');
    await expect(banner).toContainText(provider.settings.issuer);

    const configured = await launchApp({ providerKind: 'configured' });
    await expect(screen(configured.page, 'signed-out')).toBeVisible();
    await expect(configured.page.getByTestId('demo-banner')).toHaveCount(0);
  });
});
