import { describe, expect, it } from 'vitest';
import { CHANNELS, METHOD_NAMES, type MethodName } from '../../../../common/channels';
import type { Result } from '../../../../common/contract';
import type { SessionState } from '../../../../common/session-state';
import { refreshTokens } from '../../../fixtures/idp-login';
import { personSigningIn, useHarnessSuite } from './harness';

/**
 * Every channel of the contract, called through the same wrapper and handler table the app registers
 * on ipcMain, over the real session manager, the real local provider and the real keyring.
 */
const suite = useHarnessSuite();

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

function codeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

const ada = () => suite.idp.accounts.find((account) => account.login === 'ada')!;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the contract, channel by channel', () => {
  it('has a handler behind every channel, and channel names are unique', async () => {
    const h = await suite.harness();
    expect([...h.routes.keys()].sort()).toEqual([...METHOD_NAMES].sort());
    const channels = METHOD_NAMES.map((name) => CHANNELS[name]);
    expect(new Set(channels).size).toBe(channels.length);
  });

  it('getSessionState: signed out with nothing stored; signed in with the profile once seeded', async () => {
    const h = await suite.harness();
    expect(value<SessionState>(await h.invoke('getSessionState'))).toEqual({
      status: 'signedOut',
      storage: { kind: 'keychain' },
    });
    const { accessToken } = await h.seedSession('ada');
    const state = value<SessionState>(await h.invoke('getSessionState'));
    expect(state).toMatchObject({ status: 'signedIn', profile: { sub: ada().sub, name: ada().name } });
    expect(JSON.stringify(state)).not.toContain(accessToken);
  });

  it('signIn: the browser leg completes, the profile comes back and the session is in the keychain', async () => {
    const h = await suite.harness({ browser: personSigningIn('grace') });
    const states: SessionState[] = [];
    h.services.session.subscribe((state) => states.push(state));
    const profile = value<{ sub: string; email: string }>(await h.invoke('signIn'));
    expect(profile).toMatchObject({
      sub: suite.idp.accounts.find((a) => a.login === 'grace')!.sub,
      email: 'grace@latchkey.example',
    });
    expect(states.map((state) => state.status)).toEqual(['signingIn', 'signedIn']);
    expect((await h.services.store.read()).kind).toBe('found');
    expect(h.opened[0]).toMatch(new RegExp(`^${suite.idp.issuer}/auth\\?`));
  });

  it('cancelSignIn: the pending sign-in ends LOGIN_CANCELLED and the state returns to signed out', async () => {
    const h = await suite.harness(); // the browser never comes back
    const pending = h.invoke('signIn');
    await until(() => h.services.session.getState().status === 'signingIn', 'signingIn');
    expect(await h.invoke('cancelSignIn')).toEqual({ ok: true, value: undefined });
    expect(codeOf(await pending)).toBe('LOGIN_CANCELLED');
    expect(h.services.session.getState().status).toBe('signedOut');
  });

  it("reopenSignInPage: opens the pending attempt's page again; does nothing without one", async () => {
    const h = await suite.harness();
    expect(await h.invoke('reopenSignInPage')).toEqual({ ok: true, value: undefined });
    expect(h.opened).toEqual([]);
    const pending = h.invoke('signIn');
    await until(() => h.opened.length === 1, 'the first open');
    expect(await h.invoke('reopenSignInPage')).toEqual({ ok: true, value: undefined });
    expect(h.opened).toHaveLength(2);
    expect(h.opened[1]).toBe(h.opened[0]);
    await h.invoke('cancelSignIn');
    await pending;
  });

  it('recheckSession: asks the provider again and reports the state', async () => {
    const h = await suite.harness();
    await h.seedSession('ada');
    const before = suite.idp.requestLog.length;
    const state = value<SessionState>(await h.invoke('recheckSession'));
    expect(state.status).toBe('signedIn');
    expect(suite.idp.requestLog.slice(before).some((entry) => entry.path === '/me')).toBe(true);
  });

  it('getProfile: fresh from userinfo', async () => {
    const h = await suite.harness();
    await h.seedSession('ada');
    const before = suite.idp.requestLog.length;
    const profile = value<Record<string, unknown>>(await h.invoke('getProfile'));
    expect(profile).toEqual({
      sub: ada().sub,
      name: ada().name,
      givenName: ada().given_name,
      familyName: ada().family_name,
      email: ada().email,
      emailVerified: ada().email_verified,
      picture: ada().picture,
    });
    expect(suite.idp.requestLog.slice(before).map((entry) => entry.path)).toContain('/me');
  });

  it('getMetadata and updateMetadata: saved at the provider and read back', async () => {
    const h = await suite.harness();
    await h.seedSession('alan');
    const alan = suite.idp.accounts.find((account) => account.login === 'alan')!.sub;
    const saved = value(await h.invoke('updateMetadata', { patch: { country: 'GB', first_name: 'Alan' } }));
    expect(saved).toMatchObject({ country: 'GB', first_name: 'Alan' });
    expect(suite.idp.users.metadataOf(alan)).toMatchObject({ country: 'GB', first_name: 'Alan' });
    expect(value(await h.invoke('getMetadata'))).toEqual(suite.idp.users.metadataOf(alan));
  });

  it('getDiagnostics: facts about the session, never a token', async () => {
    const h = await suite.harness();
    const { accessToken, refreshToken } = await h.seedSession('ada');
    const diagnostics = value<Record<string, unknown>>(await h.invoke('getDiagnostics'));
    expect(diagnostics).toMatchObject({
      issuer: suite.idp.issuer,
      clientId: suite.idp.clientId,
      usersApi: 'auth0',
      storage: { backend: 'keychain' },
    });
    const text = JSON.stringify(diagnostics);
    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(refreshToken!);
  });

  it('signOut (local): record deleted, refresh token revoked, no browser page', async () => {
    const h = await suite.harness();
    const { refreshToken } = await h.seedSession('ada');
    const report = {
      thisComputer: 'removed',
      revocation: { outcome: 'revoked' },
      providerSession: 'notRequested',
    };
    expect(await h.invoke('signOut', { everywhere: false })).toEqual({ ok: true, value: report });
    expect(h.services.session.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signedOut', report },
    });
    expect((await h.services.store.read()).kind).toBe('empty');
    await expect(refreshTokens(suite.idp, refreshToken!)).rejects.toMatchObject({
      details: { error: 'invalid_grant' },
    });
    expect(h.opened).toEqual([]);
  });

  it("signOut (everywhere): also opens the provider's end-session page", async () => {
    const h = await suite.harness();
    await h.seedSession('ada');
    expect(await h.invoke('signOut', { everywhere: true })).toEqual({
      ok: true,
      value: { thisComputer: 'removed', revocation: { outcome: 'revoked' }, providerSession: 'pageOpened' },
    });
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]).toMatch(new RegExp(`^${suite.idp.issuer}/`));
    expect((await h.services.store.read()).kind).toBe('empty');
  });

  it.each(['getProfile', 'getMetadata'] as MethodName[])(
    '%s without a session is NOT_SIGNED_IN',
    async (name) => {
      const h = await suite.harness();
      expect(codeOf(await h.invoke(name))).toBe('NOT_SIGNED_IN');
    },
  );

  it('updateMetadata without a session is NOT_SIGNED_IN, and sends nothing', async () => {
    const h = await suite.harness();
    const before = suite.idp.requestLog.length;
    expect(codeOf(await h.invoke('updateMetadata', { patch: { country: 'FR' } }))).toBe('NOT_SIGNED_IN');
    expect(suite.idp.requestLog.length).toBe(before);
  });

  it('with a provider that has no users API, metadata is NOT_SUPPORTED with a readable message', async () => {
    const h = await suite.harness({
      settings: (p) => ({
        issuer: p.issuer,
        clientId: p.clientId,
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        usersApi: { kind: 'none' },
      }),
    });
    await h.seedSession('ada', { scope: 'openid profile email offline_access', audience: null });
    for (const result of [
      await h.invoke('getMetadata'),
      await h.invoke('updateMetadata', { patch: { a: 1 } }),
    ]) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'NOT_SUPPORTED', message: expect.stringContaining('no users API') },
      });
    }
    expect(value<{ usersApi: string }>(await h.invoke('getDiagnostics')).usersApi).toBe('none');
  });

  it('every result is plain data that survives structured clone unchanged', async () => {
    const h = await suite.harness();
    await h.seedSession('ada');
    for (const name of [
      'getSessionState',
      'getProfile',
      'getMetadata',
      'getDiagnostics',
      'recheckSession',
    ] as const) {
      const result = await h.invoke(name);
      expect(structuredClone(result)).toEqual(result);
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    }
  });
});
