import { expect, it } from 'vitest';
import type { RunningIdp } from '../../../../idp';
import { LatchkeyError } from '../../../../main/errors';
import type { SessionManager } from '../../../../main/session/session-manager';
import { accountsIn, KEYRING_ERRORS, withFaults } from '../../../fixtures/keychain';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import { refreshTokens } from '../../../fixtures/idp-login';
import {
  authClientFor,
  managerFor,
  requestsSince,
  savedSession,
  TOKEN_POST,
  useSessionSuite,
} from './session-rig';

/** Calls the provider's userinfo with `accessToken`: the proof that a token really works. */
async function userinfoStatus(idp: RunningIdp, accessToken: string): Promise<number> {
  const response = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.status;
}

/** withAccessToken with an operation standing for an API that refuses every token (401) this grant yields. */
async function callAnApiThatRefusesEveryToken(manager: SessionManager) {
  let calls = 0;
  const error = await manager
    .withAccessToken(async () => {
      calls += 1;
      throw new LatchkeyError('ACCESS_TOKEN_REJECTED', 'refused by the API');
    })
    .catch((e: unknown) => e);
  return { error, calls };
}

describeOnPrivateKeyring('refresh', () => {
  const suite = useSessionSuite();

  it('50 concurrent callers with an expired access token cause exactly one refresh request', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const record = await savedSession(suite.idp, 'ada');
    await suite.saved().write(record, 1);
    const store = suite.store();
    const { manager } = managerFor({ auth: authClientFor(suite.idp, { now }), store, now });
    await expect(manager.restore()).resolves.toMatchObject({ status: 'signedIn' });

    offset = 2 * 3600_000; // two hours later: the access token has expired
    const mark = suite.idp.requestLog.length;
    const seen = await Promise.all(
      Array.from({ length: 50 }, () =>
        manager.withAccessToken(async (accessToken, subject) => ({
          accessToken,
          subject,
          status: await userinfoStatus(suite.idp, accessToken),
        })),
      ),
    );

    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    expect(new Set(seen.map((entry) => entry.accessToken)).size).toBe(1);
    expect(seen[0]?.accessToken).not.toBe(record.tokens.accessToken);
    expect(seen.every((entry) => entry.status === 200 && entry.subject === record.subject)).toBe(true);
    // One keychain write for the one refresh.
    expect(store.stats()).toMatchObject({ reads: 1, writes: 1 });
    manager.dispose();
  });

  it('keeps its refresh token and ID token when the provider renews without sending new ones', async () => {
    // Injected: a provider that does not rotate (RFC 6749 §6 allows it) and sends no new ID token:
    // the real answer minus both. The local provider always rotates.
    const withoutRotation: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/token')) return response;
      const {
        refresh_token: _rt,
        id_token: _id,
        ...body
      } = (await response.json()) as Record<string, unknown>;
      return Response.json(body, { status: response.status });
    };
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    const { manager } = managerFor({
      auth: authClientFor(suite.idp, { fetch: withoutRotation }),
      store: suite.store(),
    });
    await expect(manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
    const saved = await suite.saved().read();
    expect(saved).toMatchObject({
      kind: 'found',
      record: { tokens: { refreshToken: record.tokens.refreshToken, idToken: record.tokens.idToken } },
    });

    expect(manager.getState().status).toBe('signedIn');
    manager.dispose();
  });

  it('callers during the launch read wait for it instead of failing NOT_SIGNED_IN', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store: suite.store() });
    const mark = suite.idp.requestLog.length;

    const launch = manager.restore();
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => manager.withAccessToken(async (accessToken) => accessToken)),
    );
    await launch;

    expect(new Set(tokens).size).toBe(1);
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    manager.dispose();
  });

  it('persists the rotated refresh token: the next launch continues with it, and the old one is refused', async () => {
    // Time is shifted for the second launch so that its access token counts as expired too.
    let offset = 0;
    const now = () => Date.now() + offset;
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);

    const first = managerFor({
      auth: authClientFor(suite.idp, { now }),
      store: suite.store(),
      now,
    });
    await expect(first.manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
    first.manager.dispose();
    const saved = await suite.saved().read();
    if (saved.kind !== 'found') throw new Error('record not saved');
    const rotated = saved.record.tokens.refreshToken;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(record.tokens.refreshToken);

    offset = 2 * 3600_000;
    const mark = suite.idp.requestLog.length;
    const secondStore = suite.store();
    const second = managerFor({ auth: authClientFor(suite.idp, { now }), store: secondStore, now });
    await expect(second.manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    expect(secondStore.stats()).toMatchObject({ reads: 1, writes: 1 });
    second.manager.dispose();

    // The rotated-away token is dead at the provider (invalid_grant).
    await expect(refreshTokens(suite.idp, record.tokens.refreshToken ?? '')).rejects.toThrow(/invalid_grant/);
  });

  it('retries a failed keychain write after a refresh and stays in the keychain when a retry works', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    // Fault: the first save after the refresh is refused, as by a keyring locked for a moment.
    let refusals = 1;
    const flaky = withFaults(suite.keytar, {
      setPassword: () => (refusals-- > 0 ? new Error(KEYRING_ERRORS.locked) : undefined),
    });
    const store = suite.store(flaky);
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store });

    await expect(manager.restore()).resolves.toMatchObject({
      status: 'signedIn',
      storage: { kind: 'keychain' },
    });
    expect(store.stats()).toMatchObject({ writes: 2, failures: 1 });
    const saved = await suite.saved().read();
    expect(saved.kind === 'found' && saved.record.tokens.refreshToken).not.toBe(record.tokens.refreshToken);
    manager.dispose();
  });

  it('a refresh whose keychain write fails: this run goes on in memory; the next launch is signed out as revoked', async () => {
    // This is the "crash between the refresh response and the keychain write" case. The keyring
    // refuses every write (injected: the real one would not), so the rotated refresh token exists
    // only in this run's memory, exactly as if the app had died before saving it.
    const record = await savedSession(suite.idp, 'grace', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    const refusing = withFaults(suite.keytar, { setPassword: () => new Error(KEYRING_ERRORS.locked) });
    const store = suite.store(refusing);
    const first = managerFor({ auth: authClientFor(suite.idp), store, writeRetries: 2 });

    const state = await first.manager.restore();

    // This run: signed in, tokens in memory, and the person is told why and what to do.
    expect(state).toMatchObject({
      status: 'signedIn',
      storage: {
        kind: 'memory',
        problem: { code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/locked/) },
        // A locked keyring is answered with unlocking it, not with installing one.
        remedy: expect.stringMatching(/^Unlock your keyring/),
      },
    });
    expect(store.stats().writes).toBe(3); // one try and two retries
    const inMemoryToken = await first.manager.withAccessToken(async (accessToken) => accessToken);
    expect(await userinfoStatus(suite.idp, inMemoryToken)).toBe(200);
    // The keychain still holds the record from before the refresh, with the rotated-away token.
    const left = await suite.saved().read();
    expect(left.kind === 'found' && left.record.tokens.refreshToken).toBe(record.tokens.refreshToken);
    first.manager.dispose();

    // Next launch: the provider refuses the old refresh token (invalid_grant), so the record is
    // deleted and the person sees why they must sign in again: no crash, no loop, no stale profile.
    const nextStore = suite.store();
    const next = managerFor({ auth: authClientFor(suite.idp), store: nextStore });
    await expect(next.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      reason: { kind: 'revoked' },
      storage: { kind: 'keychain' },
    });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    next.manager.dispose();
    // Reusing a rotated refresh token looks like a replay (RFC 9700 §4.14.2): the provider revoked
    // the whole grant, so the previous run's in-memory access token is dead as well.
    expect(await userinfoStatus(suite.idp, inMemoryToken)).toBe(401);
  });

  it('goes back to the keychain once a later save works', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    let refuse = true;
    const store = suite.store(
      withFaults(suite.keytar, {
        setPassword: () => (refuse ? new Error(KEYRING_ERRORS.locked) : undefined),
      }),
    );
    let offset = 0;
    const now = () => Date.now() + offset;
    const { manager, states } = managerFor({
      auth: authClientFor(suite.idp, { now }),
      store,
      now,
      writeRetries: 0,
    });

    await expect(manager.restore()).resolves.toMatchObject({
      status: 'signedIn',
      storage: { kind: 'memory' },
    });
    refuse = false;
    offset = 2 * 3600_000; // the access token is now expired: the next use refreshes and saves
    await manager.withAccessToken(async () => undefined);

    expect(manager.getState()).toMatchObject({ status: 'signedIn', storage: { kind: 'keychain' } });
    expect(states.map((state) => state.storage.kind)).toEqual(expect.arrayContaining(['memory', 'keychain']));
    const saved = await suite.saved().read();
    expect(saved.kind === 'found' && saved.record.tokens.refreshToken).not.toBe(record.tokens.refreshToken);
    manager.dispose();
  });

  it('on ACCESS_TOKEN_REJECTED from an operation: one refresh, one retry with the new token', async () => {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: Date.now() + 3600_000 });
    await suite.saved().write(record, 1);
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store: suite.store() });
    await manager.restore();
    const mark = suite.idp.requestLog.length;
    const tokensSeen: string[] = [];

    const result = await manager.withAccessToken(async (accessToken) => {
      tokensSeen.push(accessToken);
      if (tokensSeen.length === 1) {
        throw new LatchkeyError('ACCESS_TOKEN_REJECTED', 'refused by the API');
      }
      return userinfoStatus(suite.idp, accessToken);
    });

    expect(result).toBe(200);
    expect(tokensSeen).toHaveLength(2);
    expect(tokensSeen[1]).not.toBe(tokensSeen[0]);
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    manager.dispose();
  });

  it('ends the session when the refresh inside withAccessToken is refused', async () => {
    const record = await savedSession(suite.idp, 'alan', { expiresAt: Date.now() + 3600_000 });
    await suite.saved().write(record, 1);
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store: suite.store() });
    await manager.restore();
    await suite.idp.revokeAllGrantsFor(record.subject);

    const error = await manager
      .withAccessToken(async () => {
        throw new LatchkeyError('ACCESS_TOKEN_REJECTED', 'refused by the API');
      })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    await expect(manager.withAccessToken(async () => 1)).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    manager.dispose();
  });

  it('ends the session when the API refuses the freshly refreshed access token too (a 401 after a successful refresh)', async () => {
    const record = await savedSession(suite.idp, 'grace', { expiresAt: Date.now() + 3600_000 });
    await suite.saved().write(record, 1);
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store: suite.store() });
    await manager.restore();
    const mark = suite.idp.requestLog.length;

    const { error, calls } = await callAnApiThatRefusesEveryToken(manager);

    expect(error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(calls).toBe(2);
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    expect(manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([]);
    manager.dispose();
  });

  it('a 401 on a token just renewed because it had expired ends the session without a second refresh', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const record = await savedSession(suite.idp, 'alan');
    await suite.saved().write(record, 1);
    const { manager } = managerFor({ auth: authClientFor(suite.idp, { now }), store: suite.store(), now });
    await expect(manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
    offset = 2 * 3600_000; // the access token has expired: the call renews it first
    const mark = suite.idp.requestLog.length;

    const { error, calls } = await callAnApiThatRefusesEveryToken(manager);

    expect(error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(calls).toBe(1);
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    expect(manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    manager.dispose();
  });
});
