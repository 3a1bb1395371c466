import { expect, screen, signIn, test } from './fixtures';

// The provider is taken down at the fault proxy between the app and the provider (see
// harness/provider.ts): the app's own HTTP stack sees real refused connections.
test.skip(
  ({ appKind }) => appKind === 'electron',
  'these specs set the automatic re-check timing (sessionOptions), which only the in-process harness accepts; the Electron app keeps its production backoff',
);

test.describe('provider unreachable', () => {
  // Automatic re-checks far away, so that only "Retry now" can bring the session back here.
  test.use({ sessionOptions: { retry: { baseMs: 60_000, maxMs: 60_000, jitter: false } } });

  test('keeps the person signed in, offline, and recovers on "Retry now"', async ({
    app,
    browser,
    provider,
  }) => {
    await signIn(app, browser, provider);
    const page = app.page;

    await provider.setNetwork('down');
    await app.recheck(); // what main does when the machine wakes or the network changes
    await expect(screen(page, 'offline')).toBeVisible();
    const notice = page.getByTestId('offline-notice');
    await expect(notice).toContainText('You are still signed in');
    await expect(notice.getByTestId('next-retry')).toContainText('in 1 min');
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    expect(await app.hasStoredSession()).toBe(true);

    // Still down: "Retry now" keeps the session and the notice.
    await notice.getByRole('button', { name: 'Retry now' }).click();
    await expect(notice.getByRole('button', { name: 'Retry now' })).toBeEnabled();
    await expect(screen(page, 'offline')).toBeVisible();

    await provider.setNetwork('pass');
    await notice.getByRole('button', { name: 'Retry now' }).click();
    await expect(screen(page, 'signed-in')).toBeVisible();
    await expect(page.getByTestId('offline-notice')).toHaveCount(0);
  });

  test('shows the cached profile when the app starts while the provider is down', async ({
    app,
    browser,
    provider,
  }) => {
    await signIn(app, browser, provider);
    await provider.setNetwork('down');
    await app.restart();
    const page = app.page;
    await expect(screen(page, 'offline')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await expect(screen(page, 'signed-out')).toHaveCount(0);
    // The metadata cannot be loaded offline: said so, with a way to try again.
    await expect(page.getByTestId('metadata-load-error')).toBeVisible();
  });
});

test.describe('provider back', () => {
  test.use({ sessionOptions: { retry: { baseMs: 500, maxMs: 1_000, jitter: false } } });

  test('the app re-checks by itself and returns to signed in', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    await provider.setNetwork('5xx');
    await app.recheck();
    await expect(screen(app.page, 'offline')).toBeVisible();
    await provider.setNetwork('pass');
    await expect(screen(app.page, 'signed-in')).toBeVisible({ timeout: 15_000 });
  });
});
