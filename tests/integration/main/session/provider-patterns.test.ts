/**
 * The session against providers that bend the standard, each imitated by the local provider
 * (idp/behaviour.ts) with the status codes, bodies and discovery fields those providers use: refusals
 * without invalid_grant, no revocation or revocation for confidential clients only, partial consent,
 * and offline access that does or does not survive a logout at the provider. Real provider, real
 * keyring, real Chromium on the provider's real pages.
 */
import type { Browser } from '@playwright/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type ProviderBehaviour, type RunningIdp } from '../../../../idp';
import type { AuthClientDeps } from '../../../../main/auth/client';
import { createAuthClient } from '../../../../main/auth/client';
import type { ProviderSettings } from '../../../../main/auth/types';
import { createSavedSession } from '../../../../main/session/saved-session';
import {
  confirmProviderLogout,
  launchBrowser,
  openExternalWithBrowser,
  type BrowserOpenExternal,
} from '../../../fixtures/browser';
import { refreshTokens, resolveAccount } from '../../../fixtures/idp-login';
import { accountsIn } from '../../../fixtures/keychain';
import { describeOnPrivateKeyring, useKeyringService } from '../../../fixtures/keyring-suite';
import { managerFor, requestsSince, savedSession, SCOPES, storeFor } from './session-rig';

describeOnPrivateKeyring('providers that bend the standard', () => {
  const keyring = useKeyringService();
  let browser: Browser;
  const helpers: BrowserOpenExternal[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all(helpers.splice(0).map((helper) => helper.close()));
  });

  /** A provider with `behaviour`, for the describe block that calls this. */
  function providerWith(behaviour: Partial<ProviderBehaviour>): { readonly idp: RunningIdp } {
    let idp: RunningIdp | undefined;
    beforeAll(async () => {
      idp = await startIdp({ behaviour });
    });
    afterAll(async () => {
      await idp?.close();
    });
    return {
      get idp() {
        if (!idp) throw new Error('the provider starts in beforeAll');
        return idp;
      },
    };
  }

  function settingsOf(idp: RunningIdp, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
    return {
      issuer: idp.issuer,
      clientId: idp.clientId,
      audience: idp.audience,
      scopes: SCOPES,
      usersApi: { kind: 'auth0', baseUrl: idp.audience },
      ...overrides,
    };
  }

  /** The app's session over `idp`, with a clock the test moves (`later`) and the browser as `login`. */
  function app(
    idp: RunningIdp,
    login = 'ada',
    options: {
      settings?: Partial<ProviderSettings>;
      auth?: AuthClientDeps;
      refuseScopes?: string[];
      /** Only record the URLs the app opens (no browser): for tests that never sign in. */
      recordOnly?: boolean;
    } = {},
  ) {
    let offset = 0;
    const now = () => Date.now() + offset;
    const openExternal = openExternalWithBrowser(browser, resolveAccount(idp, login), {
      refuseScopes: options.refuseScopes,
    });
    helpers.push(openExternal);
    const auth = createAuthClient(settingsOf(idp, options.settings), { ...options.auth, now });
    const store = storeFor(idp, keyring.service, keyring.keytar);
    const rig = managerFor({ auth, store, now, ...(options.recordOnly ? {} : { openExternal }) });
    return {
      ...rig,
      auth,
      openExternal,
      /** Moves the app's clock past the access token's life (the provider's is not touched). */
      later: () => {
        offset += 2 * 3600_000;
      },
    };
  }

  /**
   * A session a previous run saved (real tokens from the provider's login form); its access token
   * expired already unless `fresh`.
   */
  async function saved(idp: RunningIdp, login = 'ada', fresh = false) {
    const record = await savedSession(idp, login, fresh ? {} : { expiresAt: Date.now() - 1_000 });
    await createSavedSession({
      store: storeFor(idp, keyring.service, keyring.keytar),
      settings: idp,
      pause: async () => undefined,
      retryDelayMs: 0,
    }).write(record, 1);
    return record;
  }

  for (const [refreshRefusal, said] of [
    ['bare-400', 'HTTP 400 with an empty body'],
    ['invalid_request', '(invalid_request)'],
  ] as const) {
    describe(`a refresh refused with ${refreshRefusal === 'bare-400' ? 'an empty 400' : '400 invalid_request'}`, () => {
      const provider = providerWith({ refreshRefusal });

      it('ends the session with the reason, and removes it from the keychain', async () => {
        const record = await saved(provider.idp, 'grace');
        await provider.idp.revokeAllGrantsFor(record.subject); // revoked (or deleted) at the provider
        const { manager } = app(provider.idp);

        const state = await manager.restore();

        expect(state).toMatchObject({
          status: 'signedOut',
          reason: { kind: 'revoked', message: expect.stringContaining(said) },
        });
        expect((state as { reason: { message: string } }).reason.message).toMatch(/Sign in again/);
        expect(manager.diagnostics().lastError).toMatchObject({ code: 'SESSION_EXPIRED' });
        expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
        manager.dispose();
      });
    });
  }

  for (const [revocation, why] of [
    ['none', 'noEndpoint'],
    ['confidential-only', 'publicClientsNotAllowed'],
  ] as const) {
    describe(`sign-out where the provider offers ${revocation === 'none' ? 'no revocation' : 'revocation to confidential clients only'}`, () => {
      const provider = providerWith({ revocation });

      it('removes the session, sends no revocation, says the token was not revoked and why', async () => {
        // Still fresh: the restore renews nothing, so the record's refresh token is the live one.
        const record = await saved(provider.idp, 'ada', true);
        const { manager, opened } = app(provider.idp, 'ada', { recordOnly: true });
        await manager.restore();
        const mark = provider.idp.requestLog.length;

        const report = await manager.signOut({ everywhere: false });

        expect(report).toEqual({
          thisComputer: 'removed',
          revocation: { outcome: 'notRevoked', why },
          providerSession: 'notRequested',
        });
        expect(manager.getState()).toMatchObject({
          status: 'signedOut',
          reason: { kind: 'signedOut', report },
        });
        expect(requestsSince(provider.idp, mark)).not.toContain('POST /token/revocation');
        expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
        expect(manager.diagnostics().revocation).toBe(
          revocation === 'none' ? 'notOffered' : 'confidentialOnly',
        );
        // The report tells the truth: the refresh token the session held still works at the provider.
        const renewed = await refreshTokens(provider.idp, record.tokens.refreshToken!);
        expect(renewed.access_token).toEqual(expect.any(String));

        // What the signed-out screen then offers: the provider's own sign-out page.
        const followUp = await manager.signOut({ everywhere: true });
        expect(followUp).toEqual({ ...report, providerSession: 'pageOpened' });
        expect(new URL(opened.at(-1)!).pathname).toBe('/session/end');
        manager.dispose();
      });
    });
  }

  describe('partial consent on the provider consent page', () => {
    const provider = providerWith({ consent: 'partial-allowed' });

    it('is noticed: the session says what is missing, and without a refresh token the next launch asks to sign in', async () => {
      const first = app(provider.idp, 'ada', { refuseScopes: ['profile', 'email', 'offline_access'] });
      const profile = await first.manager.signIn();

      expect(profile).toEqual({ sub: 'local|ada' });
      expect(first.manager.getState()).toMatchObject({
        status: 'signedIn',
        grant: { missingScopes: ['profile', 'email', 'offline_access'], renewable: false },
      });
      expect(first.manager.diagnostics().scopes).toEqual({
        requested: SCOPES,
        granted: ['openid', 'read:current_user', 'update:current_user_metadata'],
        grantedStated: true,
        refreshToken: false,
      });
      first.manager.dispose();

      // As warned: once the access token has expired, nothing can renew it.
      const next = app(provider.idp);
      next.later();
      const state = await next.manager.restore();
      expect(state).toMatchObject({
        status: 'signedOut',
        reason: { kind: 'revoked', message: expect.stringMatching(/cannot be renewed/) },
      });
      next.manager.dispose();
    });
  });

  describe('offline access granted with consent (a standard provider)', () => {
    const provider = providerWith({});

    it('asks with prompt=consent, and the refresh token survives a logout at the provider in the browser', async () => {
      const { manager, auth, openExternal, later } = app(provider.idp, 'alan');
      await manager.signIn();
      expect(new URL(openExternal.openedUrls[0]!).searchParams.get('prompt')).toBe('consent');
      expect(manager.getState()).toMatchObject({ status: 'signedIn' });
      expect(manager.getState()).not.toHaveProperty('grant');

      const page = await openExternal.newPage();
      await confirmProviderLogout(page, await auth.endSessionUrl({}));

      later();
      await expect(manager.withAccessToken(async (token) => token)).resolves.toEqual(expect.any(String));
      expect(manager.getState()).toMatchObject({ status: 'signedIn' });
      manager.dispose();
    });
  });

  describe('offline access asked without prompt=consent (a provider that binds the refresh token to its browser session)', () => {
    const provider = providerWith({ offlineAccess: 'session-bound' });

    it('is noticed at sign-in, and the session does end with the logout at the provider', async () => {
      const { manager, auth, openExternal, later } = app(provider.idp, 'grace', {
        settings: { offlineAccessPrompt: false },
      });
      await manager.signIn();
      expect(new URL(openExternal.openedUrls[0]!).searchParams.has('prompt')).toBe(false);
      expect(manager.getState()).toMatchObject({
        status: 'signedIn',
        grant: { missingScopes: ['offline_access'], renewable: true },
      });

      const page = await openExternal.newPage();
      await confirmProviderLogout(page, await auth.endSessionUrl({}));

      later();
      await expect(manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
        code: 'SESSION_EXPIRED',
      });
      expect(manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
      manager.dispose();
    });
  });
});
