/**
 * Latchkey against the local provider in strict Auth0 mode (idp/behaviour.ts AUTH0_STRICT_BEHAVIOUR):
 * the app's whole composition (createServices, the IPC wrapper), the real private keyring with
 * Windows' item cap (so the split path runs at the record's real size), and real Chromium on the
 * provider's real pages (login form, "Authorize App", the Management API's consent). The session
 * signs in without the Management API audience and renews; details get their own token by a second
 * authorization (main/account/management-token.ts).
 */
import type { Browser } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../../idp';
import type { ProviderSettings } from '../../../../main/auth/types';
import { localAuth0Settings } from '../../../../main/config/settings';
import { parseRecord } from '../../../../main/session/session-record';
import { launchBrowser, openExternalWithBrowser, type BrowserOpenExternal } from '../../../fixtures/browser';
import { refreshTokens, resolveAccount } from '../../../fixtures/idp-login';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import { startHarness, type Harness } from '../ipc/harness';

const MANAGEMENT_SCOPE = 'openid read:current_user update:current_user_metadata';

function requestsSince(idp: RunningIdp, mark: number): string[] {
  return idp.requestLog.slice(mark).map(({ method, path }) => `${method} ${path}`);
}

describeOnPrivateKeyring('Latchkey on Auth0 as it really is (strict Auth0 mode)', () => {
  let browser: Browser;
  let idp: RunningIdp;
  const service = `latchkey-test-${randomUUID()}`;
  /** One browser profile for every start of the app. */
  const open: BrowserOpenExternal[] = [];
  const harnesses: Harness[] = [];
  let ada: { sub: string; login: string; password: string };
  const logoutLandings: Array<{ url: string; text: string }> = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    idp = await startIdp({ behaviour: 'auth0-strict' });
    ada = resolveAccount(idp, 'ada');
  });
  afterAll(async () => {
    for (const h of harnesses) h.services.dispose();
    await Promise.all(open.map((helper) => helper.close()));
    await idp?.close();
    await browser?.close();
  });

  /**
   * The app as it starts: the same keychain service every time (a restart), `clockOffsetMs` ahead,
   * and the same browser profile (the provider's session cookie stays, as in a person's browser).
   */
  async function app(
    clockOffsetMs = 0,
    settings: (provider: RunningIdp) => ProviderSettings = localAuth0Settings,
  ): Promise<{ h: Harness; browserSteps: BrowserOpenExternal }> {
    const browserSteps = (open[0] ??= openExternalWithBrowser(browser, ada, { confirmAfterLogin: true }));
    const h = await startHarness({
      idp,
      settings,
      // The provider's logout page is visited as a person's browser would; anything else is a sign-in.
      browser: async (url) => {
        if (new URL(url).pathname !== '/v2/logout') return browserSteps(url);
        const page = await browserSteps.newPage();
        await page.goto(url);
        logoutLandings.push({ url: page.url(), text: await page.locator('body').innerText() });
      },
      services: {
        now: () => Date.now() + clockOffsetMs,
        keychain: { service, platform: 'win32' },
      },
    });
    harnesses.push(h);
    return { h, browserSteps };
  }

  it('signs in without the Management API audience (no prompt=consent) and holds a refresh token', async () => {
    const { h, browserSteps } = await app();
    const signedIn = await h.invoke('signIn');
    expect(signedIn).toMatchObject({ ok: true, value: { sub: ada.sub } });
    const asked = new URL(browserSteps.openedUrls[0]!).searchParams;
    expect(asked.get('scope')).toBe('openid profile email offline_access');
    expect(asked.has('audience')).toBe(false);
    expect(asked.has('prompt')).toBe(false);
    expect(asked.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:5368[23]\/callback$/);
    // Granted all it asked, a refresh token included: no grant note.
    expect(h.services.session.getState()).toMatchObject({ status: 'signedIn' });
    expect(h.services.session.getState()).not.toHaveProperty('grant');
    expect(h.services.session.diagnostics().scopes.refreshToken).toBe(true);
    h.services.dispose();
  });

  it('details: says the browser will open (nothing opened yet), then the second authorization gets a Management API token; edit and save', async () => {
    const { h, browserSteps } = await app();
    await h.services.session.restore();
    const before = browserSteps.openedUrls.length;

    const first = await h.invoke('getMetadata');
    expect(first).toMatchObject({
      ok: false,
      error: {
        code: 'AUTHORIZATION_REQUIRED',
        message: expect.stringContaining('will open your browser once'),
      },
    });
    expect(browserSteps.openedUrls).toHaveLength(before);

    expect(await h.invoke('authorizeAccountAccess')).toEqual({ ok: true, value: undefined });
    const asked = new URL(browserSteps.openedUrls.at(-1)!).searchParams;
    expect(asked.get('audience')).toBe(idp.audience);
    expect(asked.get('scope')).toBe(MANAGEMENT_SCOPE);
    expect(asked.has('prompt')).toBe(false);
    // The browser session answered: no login form, only the "Authorize App" page with the API's permissions.
    const landing = await browserSteps.lastLogin();
    expect(landing.formShown).toBe(false);

    expect(await h.invoke('getMetadata')).toMatchObject({ ok: true });
    const saved = await h.invoke('updateMetadata', { patch: { favourite_colour: 'teal' } });
    expect(saved).toMatchObject({ ok: true, value: expect.objectContaining({ favourite_colour: 'teal' }) });
    expect(idp.users.metadataOf(ada.sub)).toMatchObject({ favourite_colour: 'teal' });

    // Kept with the session in the keychain: split over items at Windows' 2560-byte cap.
    const read = await h.services.store.read();
    expect(read.kind).toBe('found');
    const record = parseRecord((read as { text: string }).text, h.settings);
    expect(record.ok && record.record.accountAccess).toMatchObject({ audience: idp.audience });
    const stats = h.services.store.stats().record!;
    console.log(
      `strict Auth0: record with the Management API token: ${stats.bytes} bytes in ${stats.items} items`,
    );
    expect(stats.items).toBeGreaterThan(1);
    h.services.dispose();
  });

  it("a dotted key is refused before anything is sent (Auth0's field-name rule)", async () => {
    const { h } = await app();
    await h.services.session.restore();
    const mark = idp.requestLog.length;
    expect(await h.invoke('updateMetadata', { patch: { 'favourite.colour': 'teal' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(requestsSince(idp, mark)).toEqual([]);
    h.services.dispose();
  });

  it('a restart within the token lifetime needs no browser step; after the access token expired the session renews by refresh token and the expired Management API token is asked for again', async () => {
    const soon = await app();
    const opened = soon.browserSteps.openedUrls.length;
    await soon.h.services.session.restore();
    expect(await soon.h.invoke('getMetadata')).toMatchObject({ ok: true });
    expect(soon.browserSteps.openedUrls).toHaveLength(opened);
    soon.h.services.dispose();

    const later = await app(2 * 3600_000);
    const mark = idp.requestLog.length;
    expect(await later.h.services.session.restore()).toMatchObject({ status: 'signedIn' });
    expect(requestsSince(idp, mark)).toContain('POST /token');
    expect(later.h.services.session.diagnostics().lastRefreshAt).not.toBeNull();
    expect(await later.h.invoke('getMetadata')).toMatchObject({
      ok: false,
      error: { code: 'AUTHORIZATION_REQUIRED' },
    });
    expect(later.h.services.session.getState()).toMatchObject({ status: 'signedIn' });
    expect(later.browserSteps.openedUrls).toHaveLength(opened);
    later.h.services.dispose();
  });

  it('sign-out revokes the refresh token (only: never the access token) and drops the Management API token with the record', async () => {
    const { h } = await app();
    await h.services.session.restore();
    const read = await h.services.store.read();
    const record = parseRecord((read as { text: string }).text, h.settings);
    if (!record.ok) throw new Error(record.reason);
    const refreshToken = record.record.tokens.refreshToken!;
    const mark = idp.requestLog.length;

    const report = await h.invoke('signOut', { everywhere: false });

    expect(report).toEqual({
      ok: true,
      value: { thisComputer: 'removed', revocation: { outcome: 'revoked' }, providerSession: 'notRequested' },
    });
    expect(requestsSince(idp, mark).filter((request) => request === 'POST /token/revocation')).toHaveLength(
      1,
    );
    expect((await h.services.store.read()).kind).toBe('empty');
    await expect(refreshTokens(idp, refreshToken)).rejects.toThrow(/403|invalid_grant/);
    h.services.dispose();
  });

  it("sign out everywhere opens /v2/logout with client_id and a returnTo on the fixed port, which shows Latchkey's signed-out page; the next sign-in asks for the password again", async () => {
    const { h, browserSteps } = await app();
    await h.invoke('signIn');
    const report = await h.invoke('signOut', { everywhere: true });
    expect(report).toMatchObject({
      ok: true,
      value: { revocation: { outcome: 'revoked' }, providerSession: 'pageOpened' },
    });
    const logout = new URL(h.opened.at(-1)!);
    expect(logout.pathname).toBe('/v2/logout');
    expect(logout.searchParams.get('client_id')).toBe(idp.clientId);
    expect(logout.searchParams.get('returnTo')).toMatch(/^http:\/\/127\.0\.0\.1:5368[23]\/signed-out$/);
    expect(logoutLandings.at(-1)).toMatchObject({
      url: logout.searchParams.get('returnTo'),
      text: expect.stringContaining("You're signed out of the provider"),
    });
    await h.invoke('signIn');
    expect((await browserSteps.lastLogin()).formShown).toBe(true);
    await h.invoke('signOut', { everywhere: false });
    h.services.dispose();
  });

  it('"Bad audience" from the users API keeps the session and says what is misconfigured (a users API set without the Auth0 domain)', async () => {
    const misconfigured = (provider: RunningIdp): ProviderSettings => {
      const { auth0: _auth0, ...generic } = localAuth0Settings(provider);
      return generic;
    };
    const { h } = await app(0, misconfigured);
    await h.invoke('signIn');
    const mark = idp.requestLog.length;
    const result = await h.invoke('getMetadata');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID', message: expect.stringContaining('Bad audience') },
    });
    expect((result as { error: { message: string } }).error.message).toContain('Your session is kept');
    // No refresh, no second try: renewing would not change the audience.
    expect(requestsSince(idp, mark)).toEqual([`GET /api/v2/users/${encodeURIComponent(ada.sub)}`]);
    expect(h.services.session.getState()).toMatchObject({ status: 'signedIn' });
    expect((await h.services.store.read()).kind).toBe('found');
    await h.invoke('signOut', { everywhere: false });
    h.services.dispose();
  });
});
