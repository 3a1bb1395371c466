import { expect, screen, signIn, test } from './fixtures';

// Regression: the revoked notice used to add its own "Sign in again to continue." under main's
// message, which already ends by asking for that, so the person read the instruction twice.
test.describe('the reason a revoked session gives', () => {
  test('asks to sign in again once', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
    await provider.idp.revokeAllGrantsFor(ada.sub);
    await app.restart();

    const notice = app.page.getByTestId('reason-revoked');
    await expect(screen(app.page, 'signed-out')).toBeVisible();
    await expect(notice).toBeVisible();
    const text = (await notice.innerText()).toLowerCase();
    expect(text.match(/sign in again/g)).toHaveLength(1);
  });
});
