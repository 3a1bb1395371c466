import { afterEach, expect, it } from 'vitest';
import {
  completeProviderLogin,
  openExternalWithBrowser,
  type BrowserOpenExternal,
} from '../../../fixtures/browser';
import { followAuthorizationUrl, refreshTokens } from '../../../fixtures/idp-login';
import { accountsIn } from '../../../fixtures/keychain';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import { authClientFor, managerFor, reach, requestsSince, TOKEN_POST, useSessionSuite } from './session-rig';

describeOnPrivateKeyring('sign-in and sign-out', () => {
  const suite = useSessionSuite({ browser: true });
  const helpers: BrowserOpenExternal[] = [];

  // Registered after useSessionSuite, so it runs first: the tabs close before the service is emptied.
  afterEach(async () => {
    await Promise.all(helpers.splice(0).map((helper) => helper.close()));
  });

  function browserAs(login: string, options: Parameters<typeof openExternalWithBrowser>[2] = {}) {
    const account = suite.idp.accounts.find((candidate) => candidate.login === login);
    if (!account) throw new Error(`no demo account ${login}`);
    const helper = openExternalWithBrowser(suite.browser, account, {
      freshContextPerLogin: true,
      ...options,
    });
    helpers.push(helper);
    return helper;
  }

  it('signs in through the browser, writes one record, and counts one keychain operation per action', async () => {
    const store = suite.store();
    const browserLogin = browserAs('ada');
    const { manager, states } = managerFor({
      auth: authClientFor(suite.idp),
      store,
      openExternal: browserLogin,
    });

    const profile = await manager.signIn();

    const ada = suite.idp.accounts.find((account) => account.login === 'ada');
    expect(profile).toEqual({
      sub: ada?.sub,
      name: ada?.name,
      givenName: ada?.given_name,
      familyName: ada?.family_name,
      email: ada?.email,
      emailVerified: ada?.email_verified,
      picture: ada?.picture,
    });
    expect(states.map((state) => state.status)).toEqual(['signingIn', 'signedIn']);
    expect(states[0]).toMatchObject({
      authorizationUrl: browserLogin.openedUrls[0],
      // An ephemeral port, exactly the redirect_uri the request carries.
      redirect: {
        uri: new URL(browserLogin.openedUrls[0]!).searchParams.get('redirect_uri'),
        fixedPort: false,
      },
    });
    expect((await browserLogin.lastLogin()).status).toBe(200);
    // Sign-in: exactly one write, no read.
    expect(store.stats()).toMatchObject({ reads: 0, writes: 1, deletes: 0, lists: 0 });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([
      `${suite.idp.issuer}|${suite.idp.clientId}`,
    ]);
    const saved = await suite.saved().read();
    expect(saved).toMatchObject({ kind: 'found', record: { subject: ada?.sub, profile } });

    // Refresh: exactly one write.
    await manager.withAccessToken(async () => undefined); // fresh: no refresh, no write
    expect(store.stats().writes).toBe(1);

    // Sign-out: exactly one delete (items are never split here, so no listing for leftovers).
    await manager.signOut({ everywhere: false });
    expect(store.stats()).toMatchObject({ reads: 0, writes: 1, deletes: 1, lists: 0 });
    manager.dispose();
  });

  it('a copy of the sign-in link used after the attempt ended signs nobody in (login CSRF)', async () => {
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store: suite.store() });
    const attempt = manager.signIn().catch((error: unknown) => error);
    const signingIn = await reach(manager, (state) => state.status === 'signingIn');
    const link = (signingIn as { authorizationUrl: string }).authorizationUrl;
    manager.cancelSignIn();
    expect(await attempt).toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(JSON.stringify(manager.getState())).not.toContain(link);

    // Someone who kept the link (clipboard, the browser's command line) opens it as themselves.
    const mark = suite.idp.requestLog.length;
    const callback = await followAuthorizationUrl(suite.idp, link, 'grace');
    expect(callback.searchParams.get('code')).toMatch(/./);
    await expect(fetch(callback)).rejects.toThrow();

    expect(manager.getState().status).toBe('signedOut');
    expect(requestsSince(suite.idp, mark)).not.toContain(TOKEN_POST);
    manager.dispose();
  });

  it('restore 1 read, refresh 1 write, sign-out 1 delete, and per item when the record is split', async () => {
    for (const maxItemBytes of [undefined, 512]) {
      let offset = 0;
      const now = () => Date.now() + offset;
      const first = managerFor({
        auth: authClientFor(suite.idp, { now }),
        store: suite.store(suite.keytar, { maxItemBytes }),
        openExternal: browserAs('grace'),
        now,
      });
      await first.manager.signIn();
      first.manager.dispose();

      const store = suite.store(suite.keytar, { maxItemBytes });
      const { manager } = managerFor({ auth: authClientFor(suite.idp, { now }), store, now });
      await manager.restore();
      const items = store.stats().record?.items ?? 0;
      expect(items).toBe(maxItemBytes ? (await accountsIn(suite.keytar, suite.service)).length : 1);
      if (maxItemBytes) expect(items).toBeGreaterThan(2);
      expect(store.stats()).toMatchObject({ reads: items, writes: 0, deletes: 0 });

      offset = 2 * 3600_000;
      await manager.withAccessToken(async () => undefined);
      expect(store.stats().writes).toBe(store.stats().record?.items);
      // A split write replaces the previous generation's chunks (items - 1 of them).
      expect(store.stats().deletes).toBe(items - 1);

      const deletesBefore = store.stats().deletes;
      const itemsNow = store.stats().record?.items ?? 0;
      await manager.signOut({ everywhere: false });
      expect(store.stats().deletes - deletesBefore).toBe(itemsNow);
      expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
      manager.dispose();
    }
  });

  it('never puts a token in a state, the diagnostics or the log', async () => {
    const logged: string[] = [];
    const log = { info: (line: string) => logged.push(line), warn: (line: string) => logged.push(line) };
    let offset = 0;
    const now = () => Date.now() + offset;
    const { manager, states } = managerFor({
      auth: authClientFor(suite.idp, { now }),
      store: suite.store(),
      openExternal: browserAs('ada'),
      log,
      now,
    });
    await manager.signIn();
    offset = 2 * 3600_000;
    await manager.withAccessToken(async () => undefined); // a refresh, logged
    const saved = await suite.saved().read();
    if (saved.kind !== 'found') throw new Error('no record after sign-in');
    await manager.signOut({ everywhere: false });

    const visible = JSON.stringify({ states, diagnostics: manager.diagnostics(), logged });
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [
      saved.record.tokens.accessToken,
      saved.record.tokens.refreshToken,
      saved.record.tokens.idToken,
    ]) {
      expect(secret).toBeTruthy();
      expect(visible).not.toContain(secret);
    }
    manager.dispose();
  });

  it('signs out: deletes the record and revokes the refresh token at the provider', async () => {
    const store = suite.store();
    const { manager } = managerFor({
      auth: authClientFor(suite.idp),
      store,
      openExternal: browserAs('alan'),
    });
    await manager.signIn();
    const saved = await suite.saved().read();
    if (saved.kind !== 'found') throw new Error('no record after sign-in');
    const mark = suite.idp.requestLog.length;

    const report = await manager.signOut({ everywhere: false });

    expect(report).toEqual({
      thisComputer: 'removed',
      revocation: { outcome: 'revoked' },
      providerSession: 'notRequested',
    });
    expect(manager.getState()).toEqual({
      status: 'signedOut',
      reason: { kind: 'signedOut', report },
      storage: { kind: 'keychain' },
    });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    expect(requestsSince(suite.idp, mark)).toContain('POST /token/revocation');
    await expect(refreshTokens(suite.idp, saved.record.tokens.refreshToken ?? '')).rejects.toThrow(
      /invalid_grant/,
    );
    expect(manager.diagnostics()).toMatchObject({
      lastError: null,
      record: null,
      accessTokenExpiresAt: null,
    });
  });

  it('sign out everywhere also opens the end-session URL with the ID token hint', async () => {
    // One browser profile for the sign-in and the sign-out, as on a person's machine.
    const context = await suite.browser.newContext();
    const ada = suite.idp.accounts.find((account) => account.login === 'ada');
    if (!ada) throw new Error('no demo account ada');
    const opened: string[] = [];
    const { manager } = managerFor({
      auth: authClientFor(suite.idp),
      store: suite.store(),
      openExternal: async (url) => {
        opened.push(url);
        if (url.includes('/auth?'))
          void completeProviderLogin(await context.newPage(), url, ada).catch(() => undefined);
      },
    });
    try {
      await manager.signIn();
      const saved = await suite.saved().read();
      if (saved.kind !== 'found') throw new Error('no record after sign-in');

      await manager.signOut({ everywhere: true });

      const endSession = new URL(opened.at(-1) ?? '');
      expect(endSession.origin + endSession.pathname).toBe(`${suite.idp.issuer}/session/end`);
      expect(endSession.searchParams.get('id_token_hint')).toBe(saved.record.tokens.idToken);
      expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
      // In the browser that signed in, the provider asks to confirm and then ends its session.
      const page = await context.newPage();
      await page.goto(endSession.href);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForLoadState('load');
      expect(await page.title()).toMatch(/^Signed out/);
    } finally {
      await context.close();
    }
  });

  it('a failed revocation is reported but does not keep the person signed in', async () => {
    const { manager } = managerFor({
      auth: authClientFor(suite.idp),
      store: suite.store(),
      openExternal: browserAs('grace'),
    });
    await manager.signIn();
    // The provider goes away between sign-in and sign-out.
    await suite.idp.close();
    try {
      const report = await manager.signOut({ everywhere: false });
      expect(manager.getState()).toMatchObject({
        status: 'signedOut',
        reason: { kind: 'signedOut', report },
      });
      expect(report).toMatchObject({
        thisComputer: 'removed',
        revocation: { outcome: 'notRevoked', why: 'unreachable', error: { code: 'NETWORK' } },
      });
      expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
      expect(manager.diagnostics().lastError).toMatchObject({ code: 'NETWORK' });
    } finally {
      await suite.restartProvider();
    }
  });

  it('cancelling a pending sign-in returns to signed out with no reason and writes nothing', async () => {
    const store = suite.store();
    // A browser that opened the page but where nobody signs in.
    const { manager, opened } = managerFor({ auth: authClientFor(suite.idp), store });
    const pending = manager.signIn();
    const signingIn = await reach(manager, (state) => state.status === 'signingIn');

    await manager.reopenSignInPage();
    expect(opened).toHaveLength(2);
    expect(opened[1]).toBe(opened[0]);
    expect(signingIn).toMatchObject({ authorizationUrl: opened[0] });

    manager.cancelSignIn();
    await expect(pending).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(manager.getState()).toEqual({ status: 'signedOut', storage: { kind: 'keychain' } });
    expect(store.stats().writes).toBe(0);
    await manager.reopenSignInPage(); // nothing pending: no-op
    expect(opened).toHaveLength(2);
  });

  it('a sign-in refused at the provider returns to signed out with the reason', async () => {
    const store = suite.store();
    const mark = suite.idp.requestLog.length;
    const { manager } = managerFor({
      auth: authClientFor(suite.idp),
      store,
      openExternal: browserAs('ada', { decline: true }),
    });

    const error = await manager.signIn().catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'LOGIN_DECLINED' });
    expect(manager.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signInFailed', error: { code: 'LOGIN_DECLINED' } },
    });
    expect(store.stats().writes).toBe(0);
    expect(requestsSince(suite.idp, mark)).not.toContain(TOKEN_POST);
  });

  it('refuses a second sign-in while signed in', async () => {
    const { manager } = managerFor({
      auth: authClientFor(suite.idp),
      store: suite.store(),
      openExternal: browserAs('alan'),
    });
    await manager.signIn();
    await expect(manager.signIn()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(manager.getState().status).toBe('signedIn');
    await manager.signOut({ everywhere: false });
  });
});
