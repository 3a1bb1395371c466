import { expect, screen, signIn, test } from './fixtures';

test.describe('a stored session', () => {
  test('comes back on restart without a sign-in', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const tokenRequestsBefore = provider.tokenRequests();
    await app.restart();

    const page = app.page;
    await expect(screen(page, 'signed-in')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    // No sign-in screen and no browser: the session came from the keychain.
    await expect(screen(page, 'signed-out')).toHaveCount(0);
    expect(app.externalUrls).toHaveLength(1);
    // The access token was still valid: no refresh was needed.
    expect(provider.tokenRequests()).toBe(tokenRequestsBefore);
  });
});

test.describe('an expired access token', () => {
  // Tokens live 30 s; the app renews them a minute early, so every launch finds them expired.
  test.use({ providerOptions: { accessTokenTtlSeconds: 30 } });

  test('is renewed silently with the refresh token', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const tokenRequestsBefore = provider.tokenRequests();
    await app.restart();

    const page = app.page;
    await expect(screen(page, 'signed-in')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await expect.poll(() => provider.tokenRequests()).toBeGreaterThan(tokenRequestsBefore);
    expect(app.externalUrls).toHaveLength(1);
    // The metadata call needs a fresh token as well; it gets one without asking the person anything.
    await expect(page.getByLabel('First name')).toBeVisible();
    await expect(screen(page, 'signed-in')).toBeVisible();
  });
});

test.describe('a revoked session', () => {
  test('ends in the signed-out screen with the reason', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
    await provider.idp.revokeAllGrantsFor(ada.sub);
    await app.restart();

    const page = app.page;
    await expect(screen(page, 'signed-out')).toBeVisible();
    await expect(page.getByTestId('reason-revoked')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Your session has ended' })).toBeVisible();
    await expect.poll(() => app.hasStoredSession()).toBe(false);
  });
});

test.describe('signing out', () => {
  test('removes the session and says so; the next launch asks to sign in', async ({
    app,
    browser,
    provider,
  }) => {
    await signIn(app, browser, provider);
    const page = app.page;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(screen(page, 'signed-out')).toBeVisible();
    await expect(page.getByRole('heading', { name: "You're signed out" })).toBeVisible();
    // The screen says it once it is true (the report follows the keychain delete and the revocation).
    const notice = page.getByTestId('reason-signed-out');
    await expect(notice).toContainText('Your session was removed from this computer.');
    await expect(notice).toContainText('Your sign-in was also cancelled at your provider.');
    expect(await app.hasStoredSession()).toBe(false);

    await app.restart();
    await expect(screen(app.page, 'signed-out')).toBeVisible();
    await expect(app.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('everywhere also ends the provider session in the browser', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    await app.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    // Asked first, and named for what it is: this computer and the provider's browser session.
    const dialog = app.page.getByRole('dialog', { name: 'Sign out everywhere?' });
    await expect(dialog).toContainText('removes your session from this computer');
    await expect(dialog).toContainText('in your browser');
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(screen(app.page, 'signed-out')).toBeVisible();
    // RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2) opens in the browser.
    const logoutUrl = new URL(await app.nextExternalUrl());
    expect(logoutUrl.pathname).toBe('/session/end');
    expect(logoutUrl.searchParams.get('client_id')).toBe(provider.settings.clientId);
    expect(await app.hasStoredSession()).toBe(false);
  });
});

test.describe('signing out where the provider lets only confidential clients revoke', () => {
  test.use({ providerOptions: { behaviour: { revocation: 'confidential-only' } } });

  test('says the sign-in stays valid at the provider, and offers to sign out there', async ({
    app,
    browser,
    provider,
  }) => {
    await signIn(app, browser, provider);
    const page = app.page;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const notice = page.getByTestId('reason-signed-out');
    await expect(notice).toContainText('Your session was removed from this computer.');
    await expect(notice).toContainText('Your provider lets only server applications cancel a sign-in');
    await expect(notice).not.toContainText(/HTTP|401|PROVIDER_ERROR/);
    expect(await app.hasStoredSession()).toBe(false);

    await notice.getByRole('button', { name: 'Sign out at your provider' }).click();
    expect(new URL(await app.nextExternalUrl()).pathname).toBe('/session/end');
    await expect(notice).toContainText("Your browser was opened at your provider's sign-out page.");
    await expect(notice.getByRole('button', { name: 'Sign out at your provider' })).toHaveCount(0);
  });
});
