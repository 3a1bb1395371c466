import { afterAll, afterEach, expect, it } from 'vitest';
import type { SessionState } from '../../../../common/session-state';
import { startFaultProxy, type FaultProxy } from '../../../fixtures/fault-proxy';
import { accountsIn } from '../../../fixtures/keychain';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import {
  authClientFor,
  managerFor,
  reach,
  requestsSince,
  savedSession,
  startProvider,
  TOKEN_POST,
  useSessionSuite,
} from './session-rig';

describeOnPrivateKeyring('provider unreachable', () => {
  let proxy: FaultProxy;
  const suite = useSessionSuite({
    // The provider believes it lives at the proxy's address, so every request the app makes
    // (discovery included) goes through the proxy's faults.
    start: async () => {
      proxy = await startFaultProxy();
      const idp = await startProvider({ issuerUrl: proxy.url });
      proxy.setTarget(idp.port);
      return idp;
    },
  });
  const disposers: Array<() => void> = [];

  // Registered after useSessionSuite, so these run first: the proxy closes before the provider,
  // and the managers stop before the test's keyring service is emptied.
  afterAll(async () => {
    await proxy?.close();
  });
  afterEach(async () => {
    disposers.splice(0).forEach((dispose) => dispose());
    await proxy.setMode('pass');
  });

  async function launch(options: { expiresAt?: number; retryBaseMs?: number; httpTimeoutMs?: number } = {}) {
    const record = await savedSession(suite.idp, 'ada', { expiresAt: options.expiresAt });
    await suite.saved().write(record, 1);
    const store = suite.store();
    const baseMs = options.retryBaseMs ?? 100;
    const rig = managerFor({
      auth: authClientFor(suite.idp, { httpTimeoutMs: options.httpTimeoutMs ?? 2_000 }),
      store,
      // The cap would cut a long base to 400 ms: a test asking for a long base wants no automatic
      // re-check racing its own steps (a re-check mid-way would take requests through later modes).
      retry: { baseMs, maxMs: Math.max(400, baseMs), jitter: false },
    });
    disposers.push(() => rig.manager.dispose());
    return { ...rig, record, store };
  }

  function expectOffline(state: SessionState, profileName = 'Ada Lovelace') {
    expect(state).toMatchObject({
      status: 'offline',
      profile: { name: profileName },
      since: expect.any(Number),
      nextRetryAt: expect.any(Number),
      lastError: { code: 'NETWORK' },
      storage: { kind: 'keychain' },
    });
  }

  it('offline at launch keeps everything and recovers by itself when the provider returns', async () => {
    const { manager, states, store, record } = await launch({ retryBaseMs: 150 });
    await proxy.setMode('down');

    expectOffline(await manager.restore());
    expect(states[0]).toMatchObject({ status: 'restoring', profile: record.profile });
    // The record is still in the keychain, untouched; the tokens are kept.
    expect(await accountsIn(suite.keytar, suite.service)).toEqual([
      `${suite.idp.issuer}|${suite.idp.clientId}`,
    ]);
    expect(store.stats()).toMatchObject({ reads: 1, writes: 0, deletes: 0 });
    expect(manager.diagnostics().lastError).toMatchObject({ code: 'NETWORK' });

    await proxy.setMode('pass');
    await expect(reach(manager, (state) => state.status === 'signedIn')).resolves.toMatchObject({
      profile: record.profile,
      storage: { kind: 'keychain' },
    });
    expect(store.stats().deletes).toBe(0);
  });

  it('retries with exponential backoff up to the maximum while the provider stays down', async () => {
    const { manager, states } = await launch({ retryBaseMs: 100 });
    await proxy.setMode('down');
    const published: Array<{ state: SessionState; at: number }> = [];
    manager.subscribe((state) => published.push({ state, at: Date.now() }));

    await manager.restore();
    await reach(
      manager,
      () => published.filter((entry) => entry.state.status === 'offline').length >= 4,
      5_000,
    );

    const delays = published
      .filter((entry) => entry.state.status === 'offline')
      .map((entry) => (entry.state.status === 'offline' ? (entry.state.nextRetryAt ?? 0) - entry.at : 0));
    // 100, 200, 400, then capped at 400 (jitter off); a few ms of slack for the clock read.
    expect(delays.slice(0, 4).map((delay) => Math.round(delay / 50) * 50)).toEqual([100, 200, 400, 400]);
    const since = new Set(
      states
        .filter((state) => state.status === 'offline')
        .map((state) => state.status === 'offline' && state.since),
    );
    expect(since.size).toBe(1);
  });

  it('recheck() ("retry now", resume, network back) validates at once', async () => {
    const { manager } = await launch({ retryBaseMs: 60_000 });
    await proxy.setMode('5xx');
    expectOffline(await manager.restore());

    await proxy.setMode('pass');
    await expect(manager.recheck()).resolves.toMatchObject({ status: 'signedIn' });
  });

  it('a 5xx on refresh keeps the session, the keychain record and the refresh token', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const record = await savedSession(suite.idp, 'ada');
    await suite.saved().write(record, 1);
    const store = suite.store();
    const { manager } = managerFor({
      auth: authClientFor(suite.idp, { now }),
      store,
      now,
      retry: { baseMs: 60_000, maxMs: 60_000, jitter: false },
    });
    disposers.push(() => manager.dispose());
    await expect(manager.restore()).resolves.toMatchObject({ status: 'signedIn' });

    offset = 2 * 3600_000;
    await proxy.setMode('5xx');
    const mark = suite.idp.requestLog.length;
    await expect(manager.withAccessToken(async () => 'used')).rejects.toMatchObject({ code: 'NETWORK' });

    expectOffline(manager.getState());
    expect(requestsSince(suite.idp, mark)).toEqual([]); // the proxy answered; the provider saw nothing
    expect(store.stats()).toMatchObject({ writes: 0, deletes: 0 });
    const kept = await suite.saved().read();
    expect(kept).toMatchObject({
      kind: 'found',
      record: { tokens: { refreshToken: record.tokens.refreshToken } },
    });

    await proxy.setMode('pass');
    await expect(manager.withAccessToken(async () => 'used')).resolves.toBe('used');
    expect(requestsSince(suite.idp, mark).filter((entry) => entry === TOKEN_POST)).toHaveLength(1);
    await expect(manager.recheck()).resolves.toMatchObject({ status: 'signedIn' });
  });

  it('a slow provider (timeout) and a reset connection are network errors too, never a sign-out', async () => {
    const slow = await launch({ retryBaseMs: 60_000, httpTimeoutMs: 300 });
    await proxy.setMode('slow', { delayMs: 3_000 });
    expectOffline(await slow.manager.restore());
    expect(await accountsIn(suite.keytar, suite.service)).toHaveLength(1);
    slow.manager.dispose();

    await proxy.setMode('reset');
    const reset = managerFor({
      auth: authClientFor(suite.idp),
      store: suite.store(),
      retry: { baseMs: 60_000, maxMs: 60_000, jitter: false },
    });
    disposers.push(() => reset.manager.dispose());
    expectOffline(await reset.manager.restore());
    expect(await accountsIn(suite.keytar, suite.service)).toHaveLength(1);

    await proxy.setMode('pass');
    await expect(reset.manager.recheck()).resolves.toMatchObject({ status: 'signedIn' });
  });

  it('an answer cut off partway through its body is a network error too, never a provider error or a sign-out', async () => {
    const { manager, store } = await launch({ retryBaseMs: 60_000 });
    // Discovery's answer is cut: headers and the start of the JSON arrive, then a TCP RST.
    await proxy.setMode('cut');
    expectOffline(await manager.restore());
    expect(proxy.connections.cut).toBeGreaterThan(0);

    await proxy.setMode('pass');
    await expect(manager.recheck()).resolves.toMatchObject({ status: 'signedIn' });

    // Discovery is known now, so only userinfo's answer is cut.
    await proxy.setMode('cut');
    await expect(manager.fetchProfile()).rejects.toMatchObject({ code: 'NETWORK' });
    expectOffline(manager.getState());
    expect(store.stats()).toMatchObject({ writes: 0, deletes: 0 });
    expect(await accountsIn(suite.keytar, suite.service)).toHaveLength(1);
  });

  it('dispose() stops the automatic re-checks', async () => {
    const { manager } = await launch({ retryBaseMs: 100 });
    await proxy.setMode('5xx');
    expectOffline(await manager.restore());
    manager.dispose();
    const attempts = proxy.connections['5xx'];
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(proxy.connections['5xx']).toBe(attempts);
    await expect(manager.recheck()).resolves.toMatchObject({ status: 'offline' });
    expect(proxy.connections['5xx']).toBe(attempts);
  });
});
