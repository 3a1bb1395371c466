import { expect, it } from 'vitest';
import { accountsIn } from '../../../fixtures/keychain';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import { startCaptureServer } from '../../../fixtures/capture-server';
import { refreshTokens } from '../../../fixtures/idp-login';
import {
  authClientFor,
  managerFor,
  requestsSince,
  savedSession,
  TOKEN_POST,
  useSessionSuite,
  USERINFO,
} from './session-rig';

const DISCOVERY = 'GET /.well-known/openid-configuration';

describeOnPrivateKeyring('restore at launch', () => {
  const suite = useSessionSuite({ provider: { accessTokenTtlSeconds: 2 } });

  /** Saves `record` as the previous run did, then starts a new run on the same keyring. */
  async function launchWith(record: Awaited<ReturnType<typeof savedSession>> | null) {
    if (record) await suite.saved().write(record, 1);
    const store = suite.store();
    const rig = managerFor({ auth: authClientFor(suite.idp), store });
    return { ...rig, store, mark: suite.idp.requestLog.length };
  }

  it('shows the cached profile at once, then confirms a fresh session with one userinfo call and one read', async () => {
    // The provider's access tokens live 2 s here; the app is told an hour so this one counts as fresh.
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() + 3600_000 });
    const { manager, states, store, mark } = await launchWith(record);

    const state = await manager.restore();

    expect(states[0]).toMatchObject({
      status: 'restoring',
      profile: record.profile,
      storage: { kind: 'keychain' },
    });
    expect(state).toMatchObject({
      status: 'signedIn',
      profile: { sub: record.subject, name: 'Ada Lovelace' },
    });
    expect(requestsSince(suite.idp, mark)).toEqual(expect.arrayContaining([USERINFO]));
    expect(requestsSince(suite.idp, mark)).not.toContain(TOKEN_POST);
    expect(store.stats()).toMatchObject({ reads: 1, writes: 0, deletes: 0, lists: 0 });
    expect(manager.diagnostics()).toMatchObject({
      storage: { backend: 'keychain' },
      record: { items: 1 },
      accessTokenExpiresAt: record.tokens.expiresAt,
      lastRefreshAt: null,
      lastValidatedAt: expect.any(Number),
      lastError: null,
    });
    manager.dispose();
  });

  it('refreshes an expired access token first (no doomed userinfo), saves the rotated refresh token, then validates', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    const { manager, store, mark } = await launchWith(record);

    const state = await manager.restore();

    expect(state.status).toBe('signedIn');
    const requests = requestsSince(suite.idp, mark).filter(
      (entry) => entry === TOKEN_POST || entry === USERINFO,
    );
    expect(requests).toEqual([TOKEN_POST, USERINFO]);
    expect(store.stats()).toMatchObject({ reads: 1, writes: 1, deletes: 0 });
    const saved = await suite.saved().read();
    expect(saved.kind === 'found' && saved.record.tokens.refreshToken).not.toBe(record.tokens.refreshToken);
    expect(saved.kind === 'found' && saved.record.tokens.expiresAt).toBeGreaterThan(Date.now());
    expect(manager.diagnostics().lastRefreshAt).toEqual(expect.any(Number));
    manager.dispose();
  });

  it('sends the refresh token only to the provider when a tampered record names its issuer but another token endpoint', async () => {
    // Another program of the same user rewrote the record in the keychain: right issuer and client,
    // the provider's real endpoints, except the token endpoint, which is another service here.
    const attacker = await startCaptureServer();
    try {
      const discovered = authClientFor(suite.idp);
      await discovered.discover();
      const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
      const { manager, mark } = await launchWith({
        ...record,
        provider: { ...discovered.knownMetadata()!, token_endpoint: `${attacker.url}/token` },
      });

      const state = await manager.restore();

      expect(attacker.requests.map((request) => request.body)).toEqual([]);
      expect(state.status).toBe('signedIn');
      expect(requestsSince(suite.idp, mark)).toEqual(
        expect.arrayContaining([DISCOVERY, TOKEN_POST, USERINFO]),
      );
      // What is saved back is what the provider's discovery listed.
      const saved = await suite.saved().read();
      expect(saved.kind === 'found' && saved.record.provider?.token_endpoint).toBe(
        discovered.knownMetadata()!.token_endpoint,
      );
      manager.dispose();
    } finally {
      await attacker.close();
    }
  });

  it('treats a token expiring within 60 s as expired', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() + 59_000 });
    const { manager, mark } = await launchWith(record);
    await manager.restore();
    expect(
      requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST || entry === USERINFO),
    ).toEqual([TOKEN_POST, USERINFO]);
    manager.dispose();
  });

  it('answers a userinfo 401 with one refresh and one retry', async () => {
    // The provider's token really expired (2 s TTL), while the record still claims an hour.
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() + 3600_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const { manager, mark } = await launchWith(record);

    const state = await manager.restore();

    expect(state.status).toBe('signedIn');
    expect(
      requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST || entry === USERINFO),
    ).toEqual([USERINFO, TOKEN_POST, USERINFO]);
    manager.dispose();
  });

  it('signs out with the reason and deletes the record when the provider revoked the session', async () => {
    const record = await savedSession(suite.idp, 'grace', { expiresAt: Date.now() - 1_000 });
    await suite.idp.revokeAllGrantsFor(record.subject);
    const { manager, store } = await launchWith(record);

    const state = await manager.restore();

    expect(state).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'revoked', message: expect.stringMatching(/sign in again/i) },
    });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    expect(store.stats()).toMatchObject({ reads: 1, writes: 0, deletes: 1 });
    expect(manager.diagnostics().lastError).toMatchObject({ code: 'SESSION_EXPIRED' });
    manager.dispose();
  });

  it('signs out a revoked session whose access token still looked fresh (401, then a refused refresh)', async () => {
    const record = await savedSession(suite.idp, 'grace', { expiresAt: Date.now() + 3600_000 });
    await suite.idp.revokeAllGrantsFor(record.subject);
    const { manager, mark } = await launchWith(record);

    const state = await manager.restore();

    expect(state).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(
      requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST || entry === USERINFO),
    ).toEqual([USERINFO, TOKEN_POST]);
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    manager.dispose();
  });

  it('reports a corrupt record, removes it and asks nothing of the provider', async () => {
    await suite.keytar.setPassword(
      suite.service,
      `${suite.idp.issuer}|${suite.idp.clientId}`,
      'not json at all',
    );
    const { manager, mark } = await launchWith(null);

    const state = await manager.restore();

    expect(state).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'recordUnreadable', message: expect.stringMatching(/removed/) },
      storage: { kind: 'keychain' },
    });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    // Signed out, the manager warms discovery so that "Sign in" opens the browser at once; it sends
    // nothing that involves the discarded record.
    expect(requestsSince(suite.idp, mark).filter((request) => request !== DISCOVERY)).toEqual([]);
    manager.dispose();
  });

  it('validates with a single userinfo request when the record carries the provider endpoints', async () => {
    const discovered = authClientFor(suite.idp);
    await discovered.discover();
    const provider = discovered.knownMetadata();
    expect(provider).toMatchObject({ issuer: suite.idp.issuer, userinfo_endpoint: `${suite.idp.issuer}/me` });
    const saved = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() + 3600_000 });
    const record = { ...saved, provider: provider ?? undefined };
    const { manager, mark } = await launchWith(record);
    let beforeValidated: string[] | null = null;
    manager.subscribe((state) => {
      if (state.status === 'signedIn') beforeValidated ??= requestsSince(suite.idp, mark);
    });

    await expect(manager.restore()).resolves.toMatchObject({ status: 'signedIn' });

    // No discovery on the critical path: the saved endpoints are used, then refreshed in the background.
    expect(beforeValidated).toEqual([USERINFO]);
    await expect.poll(() => requestsSince(suite.idp, mark)).toContain(DISCOVERY);
    manager.dispose();
  });

  it('warms discovery in the background when there is no saved session', async () => {
    const { manager, mark } = await launchWith(null);
    await manager.restore();
    await expect.poll(() => requestsSince(suite.idp, mark)).toEqual([DISCOVERY]);
    manager.dispose();
  });

  it('starts signed out, with no reason, when nothing was saved', async () => {
    const { manager, store } = await launchWith(null);
    await expect(manager.restore()).resolves.toEqual({ status: 'signedOut', storage: { kind: 'keychain' } });
    expect(store.stats().reads).toBe(1);
    manager.dispose();
  });

  it('never hands a saved refresh token to the provider twice (the old one is dead after rotation)', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    const { manager } = await launchWith(record);
    await manager.restore();
    manager.dispose();
    // The provider refuses the pre-refresh token: only the saved, rotated one can continue the session.
    await expect(refreshTokens(suite.idp, record.tokens.refreshToken ?? '')).rejects.toThrow(/invalid_grant/);
  });
});
