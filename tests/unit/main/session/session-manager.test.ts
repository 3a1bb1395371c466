/**
 * The session state machine's decisions, one by one, in milliseconds: a scripted provider
 * (tests/fixtures/scripted-provider.ts) and a keychain kept in memory stand in for the real ones, so
 * that calls can be held in flight and failed on cue. The same behaviours against the real local
 * provider and the real keyring are in tests/integration/main/session/.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionState } from '../../../../common/session-state';
import type { RevocationOutcome } from '../../../../main/auth/types';
import { LatchkeyError, loginCancelled } from '../../../../main/errors';
import { createKeychainStore, type KeychainBackend } from '../../../../main/keychain/keychain-store';
import { createSavedSession } from '../../../../main/session/saved-session';
import {
  createSessionManager,
  type SessionManager,
  type SessionManagerOptions,
  type SessionTimers,
  backoffDelay,
  REFUSALS_BEFORE_PAUSE,
} from '../../../../main/session/session-manager';
import {
  profileFromClaims,
  RECORD_FORMAT_VERSION,
  recordAccount,
  type SessionRecord,
} from '../../../../main/session/session-record';
import { brokenKeychain, KEYRING_ERRORS, memoryKeychain } from '../../../fixtures/keychain';
import {
  ADA,
  held,
  issuedTokens,
  PROVIDER_FAILURES,
  SCRIPTED_SETTINGS,
  scriptedProvider,
  type ScriptedProvider,
} from '../../../fixtures/scripted-provider';

/** A clock and timers the test moves by hand. */
function manualClock(start = 1_800_000_000_000) {
  let time = start;
  const pending = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;
  const timers: SessionTimers = {
    setTimeout(callback, ms) {
      const id = nextId++;
      pending.set(id, { at: time + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    now: () => time,
    timers,
    pendingDelays: () => [...pending.values()].map((timer) => timer.at - time),
    /** Moves time on and runs every timer that falls due, in order. */
    async advance(ms: number) {
      time += ms;
      for (;;) {
        const due = [...pending.entries()]
          .filter(([, timer]) => timer.at <= time)
          .sort((a, b) => a[1].at - b[1].at);
        if (due.length === 0) break;
        const [id, timer] = due[0]!;
        pending.delete(id);
        timer.callback();
        await flush();
      }
    },
  };
}

/** Lets every promise chain that can move, move. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

const disposers: Array<() => void> = [];
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));

interface Rig {
  manager: SessionManager;
  provider: ScriptedProvider;
  clock: ReturnType<typeof manualClock>;
  backend: KeychainBackend & { items?: Map<string, string> };
  states: SessionState[];
  opened: string[];
  saveRecord(record: SessionRecord): Promise<void>;
  savedRecord(): Promise<SessionRecord | null>;
}

function rig(options: Partial<SessionManagerOptions> & { backend?: KeychainBackend } = {}): Rig {
  const clock = manualClock();
  const provider = scriptedProvider(clock.now);
  const backend = options.backend ?? memoryKeychain();
  const store = () =>
    createKeychainStore({
      account: recordAccount(SCRIPTED_SETTINGS),
      service: 'test',
      backend,
      timeoutMs: 500,
    });
  const saved = () =>
    createSavedSession({
      store: store(),
      settings: SCRIPTED_SETTINGS,
      pause: async () => undefined,
      retryDelayMs: 0,
    });
  const opened: string[] = [];
  const manager = createSessionManager({
    auth: provider,
    store: store(),
    openExternal: async (url) => {
      opened.push(url);
    },
    now: clock.now,
    timers: clock.timers,
    platform: 'linux',
    retry: { baseMs: 1_000, maxMs: 8_000, jitter: false },
    writeRetries: 0,
    ...options,
  });
  disposers.push(() => manager.dispose());
  const states: SessionState[] = [];
  manager.subscribe((state) => states.push(state));
  return {
    manager,
    provider,
    clock,
    backend,
    states,
    opened,
    saveRecord: (record) => saved().write(record, 1),
    async savedRecord() {
      const read = await saved().read();
      return read.kind === 'found' ? read.record : null;
    },
  };
}

function recordFor(now: number, tokens = issuedTokens(now)): SessionRecord {
  return {
    v: RECORD_FORMAT_VERSION,
    issuer: SCRIPTED_SETTINGS.issuer,
    clientId: SCRIPTED_SETTINGS.clientId,
    subject: ADA.sub,
    tokens,
    profile: profileFromClaims(ADA),
    savedAt: now,
  };
}

/** A rig restored into a signed-in session (its access token valid for an hour). */
async function signedInRig(
  options: Parameters<typeof rig>[0] = {},
): Promise<Rig & { record: SessionRecord }> {
  const r = rig(options);
  const record = recordFor(r.clock.now());
  await r.saveRecord(record);
  await expect(r.manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
  return { ...r, record };
}

describe('restoring at launch', () => {
  it('with nothing saved: signed out, and discovery starts in the background for a quick sign-in', async () => {
    const r = rig();
    await expect(r.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      storage: { kind: 'keychain' },
    });
    expect(r.provider.callsOf('discover')).toHaveLength(1);
    expect(r.provider.callsOf('userinfo')).toHaveLength(0);
  });

  it('shows the saved profile at once, then confirms it with one userinfo call', async () => {
    const r = rig();
    const record = recordFor(r.clock.now());
    await r.saveRecord(record);
    await r.manager.restore();
    expect(r.states.map((state) => state.status)).toEqual(['restoring', 'signedIn']);
    expect(r.states[0]).toMatchObject({ profile: { name: 'Ada Lovelace' } });
    expect(r.provider.callsOf('userinfo')).toEqual([
      { op: 'userinfo', accessToken: record.tokens.accessToken },
    ]);
    expect(r.provider.callsOf('refresh')).toHaveLength(0);
  });

  it('saves the profile again only when the provider reports a change', async () => {
    const r = rig();
    await r.saveRecord(recordFor(r.clock.now()));
    r.provider.script.userinfo = () => ({ ...ADA, name: 'Augusta Ada King' });
    await r.manager.restore();
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', profile: { name: 'Augusta Ada King' } });
    expect((await r.savedRecord())?.profile.name).toBe('Augusta Ada King');
  });

  it('with an expired access token: renews it and saves the rotated refresh token before using the new token', async () => {
    const r = rig();
    const record = recordFor(r.clock.now(), issuedTokens(r.clock.now(), { expiresAt: r.clock.now() - 1 }));
    await r.saveRecord(record);
    const renewed = issuedTokens(r.clock.now());
    r.provider.script.refresh = () => renewed;
    let savedWhenUsed: SessionRecord | null = null;
    r.provider.script.userinfo = async () => {
      savedWhenUsed = await r.savedRecord();
      return { ...ADA };
    };
    await expect(r.manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
    expect(r.provider.callsOf('refresh')).toEqual([
      { op: 'refresh', refreshToken: record.tokens.refreshToken },
    ]);
    expect(r.provider.callsOf('userinfo')).toEqual([{ op: 'userinfo', accessToken: renewed.accessToken }]);
    expect(savedWhenUsed).toMatchObject({ tokens: { refreshToken: renewed.refreshToken } });
  });

  it('treats a token that expires within the leeway as expired', async () => {
    const r = rig({ expiryLeewayMs: 60_000 });
    await r.saveRecord(
      recordFor(r.clock.now(), issuedTokens(r.clock.now(), { expiresAt: r.clock.now() + 59_000 })),
    );
    await r.manager.restore();
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('an unusable saved record: removed, and the person is told why', async () => {
    const backend = memoryKeychain();
    const r = rig({ backend });
    await backend.setPassword('test', recordAccount(SCRIPTED_SETTINGS), '{"v":7}');
    await expect(r.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      reason: { kind: 'recordUnreadable', message: expect.stringMatching(/format version 7.*removed/) },
    });
    expect(backend.items.size).toBe(0);
  });

  it('no keychain at all: signed out, the session will live in memory, with the remedy', async () => {
    const r = rig({ backend: brokenKeychain(KEYRING_ERRORS.noSecretService) });
    await expect(r.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      storage: {
        kind: 'memory',
        problem: { code: 'KEYCHAIN_UNAVAILABLE' },
        remedy: expect.stringMatching(/GNOME/),
      },
    });
  });
});

describe('what a failure means', () => {
  it('a refused refresh ends the session: the record is deleted and the reason shown', async () => {
    const r = rig();
    await r.saveRecord(recordFor(r.clock.now(), issuedTokens(r.clock.now(), { expiresAt: 0 })));
    r.provider.script.refresh = () => {
      throw PROVIDER_FAILURES.refused();
    };
    await expect(r.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      reason: { kind: 'revoked', message: expect.stringMatching(/ended your session/) },
    });
    expect(await r.savedRecord()).toBeNull();
    // The provider refused the token: nothing left to revoke.
    expect(r.provider.callsOf('revokeGrant')).toHaveLength(0);
  });

  it('no refresh token and an expired access token: the session has ended, nothing is sent', async () => {
    const r = rig();
    const { refreshToken: _none, ...tokens } = issuedTokens(r.clock.now(), { expiresAt: 0 });
    await r.saveRecord(recordFor(r.clock.now(), tokens));
    await expect(r.manager.restore()).resolves.toMatchObject({
      status: 'signedOut',
      reason: { kind: 'revoked', message: expect.stringMatching(/cannot be renewed/) },
    });
    expect(r.provider.callsOf('refresh')).toHaveLength(0);
    expect(await r.savedRecord()).toBeNull();
  });

  it('an unreachable provider keeps the session offline and re-checks with a doubling delay', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({
      status: 'offline',
      profile: { name: 'Ada Lovelace' },
      lastError: { code: 'NETWORK' },
      nextRetryAt: r.clock.now() + 1_000,
    });
    const since = (r.manager.getState() as { since: number }).since;
    await r.clock.advance(1_000);
    expect(r.manager.getState()).toMatchObject({
      status: 'offline',
      since,
      nextRetryAt: r.clock.now() + 2_000,
    });
    await r.clock.advance(2_000);
    expect(r.clock.pendingDelays()).toEqual([4_000]);

    r.provider.script.userinfo = () => ({ ...ADA });
    await r.clock.advance(4_000);
    expect(r.manager.getState().status).toBe('signedIn');
    expect(r.clock.pendingDelays()).toEqual([]);
    expect(await r.savedRecord()).not.toBeNull();
  });

  it('a provider that keeps refusing in the same way (invalid_client) keeps the session, and stops the automatic re-checks after three refusals', async () => {
    const r = await signedInRig();
    const invalidClient = new LatchkeyError(
      'PROVIDER_ERROR',
      'The provider refused Latchkey itself while renewing the session (invalid_client). Signing in again will not help.',
    );
    r.provider.script.refresh = () => {
      throw invalidClient;
    };
    await r.clock.advance(2 * 3600_000); // the access token expired: every check needs a refresh
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: r.clock.now() + 1_000 });
    await r.clock.advance(1_000);
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: r.clock.now() + 2_000 });
    await r.clock.advance(2_000);
    expect(r.provider.callsOf('refresh')).toHaveLength(REFUSALS_BEFORE_PAUSE);
    expect(r.manager.getState()).toMatchObject({
      status: 'offline',
      nextRetryAt: null,
      lastError: invalidClient.toInfo(),
    });
    expect(r.clock.pendingDelays()).toEqual([]);
    await r.clock.advance(3_600_000);
    expect(r.provider.callsOf('refresh')).toHaveLength(REFUSALS_BEFORE_PAUSE);
    // Kept: a refusal of the app is not a refused grant.
    expect(await r.savedRecord()).not.toBeNull();

    // "Retry now" (or waking, or the network coming back) still asks; an answer resumes normal life.
    r.provider.script.refresh = () => issuedTokens(r.clock.now());
    await r.manager.recheck();
    expect(r.manager.getState().status).toBe('signedIn');
  });

  it('network failures between refusals neither count nor clear them; a confirmation clears them', async () => {
    const r = await signedInRig();
    const refusal = () => {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        'The provider answered HTTP 403 with an empty body while reading the profile.',
      );
    };
    r.provider.script.userinfo = refusal;
    await r.manager.recheck();
    await r.manager.recheck();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: expect.any(Number) });
    r.provider.script.userinfo = refusal;
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: null });

    r.provider.script.userinfo = () => ({ ...ADA });
    await r.manager.recheck();
    r.provider.script.userinfo = refusal;
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: expect.any(Number) });
  });

  it('an unreachable provider never stops the automatic re-checks', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    for (let i = 0; i < 10; i += 1) await r.clock.advance(8_000);
    expect(r.provider.callsOf('userinfo').length).toBeGreaterThan(10);
    expect(r.clock.pendingDelays()).toEqual([8_000]);
  });

  it('after coming back, the next outage starts the backoff from the first delay again', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    await r.clock.advance(1_000);
    r.provider.script.userinfo = () => ({ ...ADA });
    await r.clock.advance(2_000);
    expect(r.manager.getState().status).toBe('signedIn');
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.clock.pendingDelays()).toEqual([1_000]);
  });

  it('an unreachable refresh keeps the session and its refresh token', async () => {
    const r = await signedInRig();
    r.provider.script.refresh = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.clock.advance(2 * 3600_000);
    await expect(r.manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
      code: 'NETWORK',
    });
    expect(r.manager.getState().status).toBe('offline');
    expect((await r.savedRecord())?.tokens.refreshToken).toBe(r.record.tokens.refreshToken);
  });

  it('a users API that is down says nothing about the session', async () => {
    const r = await signedInRig();
    await expect(
      r.manager.withAccessToken(async () => {
        throw new LatchkeyError('NETWORK', 'users API down');
      }),
    ).rejects.toMatchObject({ code: 'NETWORK' });
    expect(r.manager.getState().status).toBe('signedIn');
  });
});

describe('the access token', () => {
  it('many callers with an expired token share one refresh and one keychain write', async () => {
    const r = await signedInRig();
    const renewal = held<ReturnType<typeof issuedTokens>>();
    r.provider.script.refresh = () => renewal.promise;
    await r.clock.advance(2 * 3600_000);
    const calls = Array.from({ length: 20 }, () => r.manager.withAccessToken(async (token) => token));
    await flush();
    const renewed = issuedTokens(r.clock.now());
    renewal.resolve(renewed);
    expect(new Set(await Promise.all(calls))).toEqual(new Set([renewed.accessToken]));
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a 401 gets one refresh and one retry with the new token', async () => {
    const r = await signedInRig();
    const seen: string[] = [];
    const value = await r.manager.withAccessToken(async (token) => {
      seen.push(token);
      if (seen.length === 1) throw PROVIDER_FAILURES.tokenRejected();
      return 'done';
    });
    expect(value).toBe('done');
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a 401 on a token renewed for this very call ends the session, with no second refresh', async () => {
    const r = await signedInRig();
    await expect(
      r.manager.withAccessToken(async () => {
        throw PROVIDER_FAILURES.tokenRejected();
      }),
    ).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(await r.savedRecord()).toBeNull();
  });

  it('ending a session after a 401 on a renewed token revokes the refresh token the refresh just brought (the provider still accepts it)', async () => {
    const r = await signedInRig();
    const renewed = issuedTokens(r.clock.now());
    r.provider.script.refresh = () => renewed;
    await expect(
      r.manager.withAccessToken(async () => {
        throw PROVIDER_FAILURES.tokenRejected();
      }),
    ).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    const revoked = r.provider.callsOf('revokeGrant');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.tokens.refreshToken).toBe(renewed.refreshToken);
    expect(await r.savedRecord()).toBeNull();
  });

  it('keeps an account-access token with its session in the keychain, and drops it on request', async () => {
    const r = await signedInRig();
    const token = {
      accessToken: 'mgmt-token',
      expiresAt: r.clock.now() + 86_400_000,
      audience: 'https://t/api/v2/',
    };
    expect(await r.manager.keepAccountAccess(token, 'someone-else')).toBe(false);
    expect(r.manager.accountAccess()).toBeUndefined();
    expect(await r.manager.keepAccountAccess(token, r.record.subject)).toBe(true);
    expect(r.manager.accountAccess()).toEqual(token);
    expect((await r.savedRecord())?.accountAccess).toEqual(token);
    expect(await r.manager.keepAccountAccess(null, r.record.subject)).toBe(true);
    expect((await r.savedRecord())?.accountAccess).toBeUndefined();
  });

  it('keeps no account-access token without a session: signed out, after sign-out or after dispose', async () => {
    const token = {
      accessToken: 'mgmt-token',
      expiresAt: Date.now() + 86_400_000,
      audience: 'https://t/api/v2/',
    };
    const signedOut = rig();
    await signedOut.manager.restore();
    expect(signedOut.manager.accountAccess()).toBeUndefined();
    expect(await signedOut.manager.keepAccountAccess(token, ADA.sub)).toBe(false);

    const disposed = await signedInRig();
    disposed.manager.dispose();
    expect(await disposed.manager.keepAccountAccess(token, disposed.record.subject)).toBe(false);
    expect((await disposed.savedRecord())?.accountAccess).toBeUndefined();
  });

  it('dropping an account-access token it does not hold writes nothing; dropping one keeps the rest of the record', async () => {
    const r = await signedInRig();
    const writes = () => [...(r.backend.items?.keys() ?? [])].length;
    const before = await r.savedRecord();
    const itemsBefore = writes();
    expect(await r.manager.keepAccountAccess(null, r.record.subject)).toBe(true);
    expect(await r.savedRecord()).toEqual(before);
    expect(writes()).toBe(itemsBefore);

    const token = {
      accessToken: 'mgmt-token',
      expiresAt: r.clock.now() + 86_400_000,
      audience: 'https://t/api/v2/',
    };
    await r.manager.keepAccountAccess(token, r.record.subject);
    await r.clock.advance(5_000);
    await r.manager.keepAccountAccess(null, r.record.subject);
    const { accountAccess: _dropped, savedAt: _savedAt, ...rest } = (await r.savedRecord())!;
    const { savedAt: _was, ...expected } = before!;
    expect(rest).toEqual(expected);
    expect((await r.savedRecord())?.savedAt).toBe(r.clock.now());
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn' });
  });

  it("shows the record's size in diagnostics only while a session is kept in the keychain", async () => {
    const signedOut = rig();
    await signedOut.manager.restore();
    expect(signedOut.manager.diagnostics().record).toBeNull();

    const kept = await signedInRig();
    expect(kept.manager.diagnostics().record).toMatchObject({ items: 1 });
  });

  it('a 401 on a token another caller has already renewed retries with that token, without refreshing again', async () => {
    const r = await signedInRig();
    const firstCall = held<void>();
    const seen: string[] = [];
    const slow = r.manager.withAccessToken(async (token) => {
      seen.push(token);
      if (seen.length === 1) {
        await firstCall.promise;
        throw PROVIDER_FAILURES.tokenRejected();
      }
      return token;
    });
    await flush();
    // Meanwhile another caller meets a 401 and renews.
    let other = 0;
    const renewedByOther = await r.manager.withAccessToken(async (token) => {
      other += 1;
      if (other === 1) throw PROVIDER_FAILURES.tokenRejected();
      return token;
    });
    firstCall.resolve();
    await expect(slow).resolves.toBe(renewedByOther);
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('keeps the old ID token when a refresh returns none (it is the hint for signing out everywhere)', async () => {
    const r = await signedInRig();
    r.provider.script.refresh = () => {
      const { idToken: _none, ...tokens } = issuedTokens(r.clock.now());
      return tokens;
    };
    await r.clock.advance(2 * 3600_000);
    await r.manager.withAccessToken(async (token) => token);
    await r.manager.signOut({ everywhere: true });
    expect(r.provider.callsOf('endSessionUrl')).toEqual([
      { op: 'endSessionUrl', idTokenHint: r.record.tokens.idToken },
    ]);
  });
});

describe('what the provider granted', () => {
  it('a session granted less than asked says so in its state, signed in and offline, and in diagnostics', async () => {
    const r = rig();
    const record = recordFor(
      r.clock.now(),
      issuedTokens(r.clock.now(), { scope: 'openid', refreshToken: undefined }),
    );
    delete (record.tokens as { refreshToken?: string }).refreshToken;
    await r.saveRecord(record);
    await r.manager.restore();
    const grant = { missingScopes: ['profile', 'email', 'offline_access'], renewable: false };
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', grant });
    expect(r.manager.diagnostics().scopes).toEqual({
      requested: SCRIPTED_SETTINGS.scopes,
      granted: ['openid'],
      grantedStated: true,
      refreshToken: false,
    });
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.manager.getState()).toMatchObject({ status: 'offline', grant });
  });

  it('a session granted everything it asked for has no grant note', async () => {
    const r = await signedInRig();
    expect(r.manager.getState()).not.toHaveProperty('grant');
    expect(r.manager.diagnostics().scopes).toMatchObject({ grantedStated: false, refreshToken: true });
  });
});

describe('signing out', () => {
  it('deletes the record and revokes the grant through its refresh token', async () => {
    const r = await signedInRig();
    await r.manager.signOut({ everywhere: false });
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'signedOut' } });
    expect(await r.savedRecord()).toBeNull();
    expect(r.provider.callsOf('revokeGrant')).toEqual([
      { op: 'revokeGrant', tokens: expect.objectContaining({ refreshToken: r.record.tokens.refreshToken }) },
    ]);
    expect(r.opened).toEqual([]);
  });

  it('everywhere also opens the provider logout page in the browser', async () => {
    const r = await signedInRig();
    const report = await r.manager.signOut({ everywhere: true });
    expect(r.opened).toEqual([`${SCRIPTED_SETTINGS.issuer}/logout`]);
    expect(report).toEqual({
      thisComputer: 'removed',
      revocation: { outcome: 'revoked' },
      providerSession: 'pageOpened',
    });
  });

  it('a failed revocation is reported, and the person is signed out anyway', async () => {
    const r = await signedInRig();
    r.provider.script.revokeGrant = () => ({
      revoked: false,
      reason: 'failed',
      error: PROVIDER_FAILURES.network(),
    });
    const report = await r.manager.signOut({ everywhere: false });
    expect(r.manager.getState().status).toBe('signedOut');
    expect(await r.savedRecord()).toBeNull();
    expect(r.manager.diagnostics().lastError).toMatchObject({ code: 'NETWORK' });
    expect(report).toEqual({
      thisComputer: 'removed',
      revocation: {
        outcome: 'notRevoked',
        why: 'unreachable',
        error: { code: 'NETWORK', message: PROVIDER_FAILURES.network().message },
      },
      providerSession: 'notRequested',
    });
  });

  it('everywhere while offline removes the session here and opens no unreachable page, and says so', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.manager.getState().status).toBe('offline');
    const report = await r.manager.signOut({ everywhere: true });
    expect(r.opened).toEqual([]);
    expect(report).toMatchObject({ thisComputer: 'removed', providerSession: 'unreachable' });
    expect(await r.savedRecord()).toBeNull();
  });

  it('everywhere whose revocation finds the provider unreachable opens no page either', async () => {
    const r = await signedInRig();
    r.provider.script.revokeGrant = () => ({
      revoked: false,
      reason: 'failed',
      error: PROVIDER_FAILURES.network(),
    });
    const report = await r.manager.signOut({ everywhere: true });
    expect(r.opened).toEqual([]);
    expect(report.providerSession).toBe('unreachable');
  });

  it('reports what was done, and the signed-out state carries the same report once it is known', async () => {
    const r = await signedInRig();
    const revocation = held<RevocationOutcome>();
    r.provider.script.revokeGrant = () => revocation.promise;
    const signingOut = r.manager.signOut({ everywhere: false });
    await flush();
    // Shown signed out at once; the report follows the provider's answer.
    expect(r.manager.getState()).toEqual({
      status: 'signedOut',
      reason: { kind: 'signedOut' },
      storage: { kind: 'keychain' },
    });
    revocation.resolve({ revoked: true });
    const report = await signingOut;
    expect(report).toEqual({
      thisComputer: 'removed',
      revocation: { outcome: 'revoked' },
      providerSession: 'notRequested',
    });
    expect(r.manager.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signedOut', report },
    });
  });

  it('a second sign-out while the first is finishing waits for it and keeps its report', async () => {
    const r = await signedInRig();
    const revocation = held<RevocationOutcome>();
    r.provider.script.revokeGrant = () => revocation.promise;
    const first = r.manager.signOut({ everywhere: false });
    await flush();
    const second = r.manager.signOut({ everywhere: false });
    revocation.resolve({ revoked: false, reason: 'noEndpoint' });
    const expected = {
      thisComputer: 'removed',
      revocation: { outcome: 'notRevoked', why: 'noEndpoint' },
      providerSession: 'notRequested',
    };
    expect(await first).toEqual(expected);
    expect(await second).toEqual(expected);
    expect(r.manager.getState()).toMatchObject({ reason: { kind: 'signedOut', report: expected } });
    expect(r.provider.callsOf('revokeGrant')).toHaveLength(1);
  });

  it('says the token was not revoked, and why, when the provider cannot revoke for a public client', async () => {
    for (const reason of ['noEndpoint', 'publicClientsNotAllowed'] as const) {
      const r = await signedInRig();
      r.provider.script.revokeGrant = () => ({ revoked: false, reason });
      const report = await r.manager.signOut({ everywhere: false });
      expect(report.revocation).toEqual({ outcome: 'notRevoked', why: reason });
      expect(report.thisComputer).toBe('removed');
      expect(await r.savedRecord()).toBeNull();
    }
  });

  it('a refused revocation is "refused" with the provider\'s error; a keychain that will not delete is said too', async () => {
    const r = await signedInRig();
    const refusal = new LatchkeyError(
      'PROVIDER_ERROR',
      'The provider answered HTTP 401 with an empty body while revoking the session.',
    );
    r.provider.script.revokeGrant = () => ({ revoked: false, reason: 'failed', error: refusal });
    r.backend.deletePassword = async () => {
      throw new Error(KEYRING_ERRORS.locked);
    };
    const report = await r.manager.signOut({ everywhere: false });
    expect(report).toEqual({
      thisComputer: 'removeFailed',
      revocation: { outcome: 'notRevoked', why: 'refused', error: refusal.toInfo() },
      providerSession: 'notRequested',
    });
    expect(r.manager.getState().status).toBe('signedOut');
  });

  it('signed out already, "everywhere" opens the provider sign-out page and keeps the earlier facts', async () => {
    const r = await signedInRig();
    r.provider.script.revokeGrant = () => ({ revoked: false, reason: 'publicClientsNotAllowed' });
    await r.manager.signOut({ everywhere: false });
    expect(r.opened).toEqual([]);
    const report = await r.manager.signOut({ everywhere: true });
    expect(report).toEqual({
      thisComputer: 'removed',
      revocation: { outcome: 'notRevoked', why: 'publicClientsNotAllowed' },
      providerSession: 'pageOpened',
    });
    expect(r.opened).toEqual([`${SCRIPTED_SETTINGS.issuer}/logout`]);
    // No ID token any more: the session is gone.
    expect(r.provider.callsOf('endSessionUrl')).toEqual([{ op: 'endSessionUrl' }]);
    expect(r.provider.callsOf('revokeGrant')).toHaveLength(1);
    expect(r.manager.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signedOut', report },
    });
  });

  it('"everywhere" says when the provider has no way to end its browser session, or the browser fails', async () => {
    const r = await signedInRig();
    r.provider.endSessionUrl = async () => {
      throw new LatchkeyError(
        'NOT_SUPPORTED',
        'The provider does not offer a way to end its browser session.',
      );
    };
    expect((await r.manager.signOut({ everywhere: true })).providerSession).toBe('notSupported');
    const again = await signedInRig({
      openExternal: async () => {
        throw new Error('no browser');
      },
    });
    expect((await again.manager.signOut({ everywhere: true })).providerSession).toBe('failed');
  });

  it('during a refresh: stays signed out, writes nothing, and revokes the grant the refresh brought', async () => {
    const r = await signedInRig();
    const renewal = held<ReturnType<typeof issuedTokens>>();
    r.provider.script.refresh = () => renewal.promise;
    await r.clock.advance(2 * 3600_000);
    const call = r.manager.withAccessToken(async (token) => token);
    await flush();
    await r.manager.signOut({ everywhere: false });
    const renewed = issuedTokens(r.clock.now());
    renewal.resolve(renewed);
    await expect(call).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    await flush();
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'signedOut' } });
    expect(await r.savedRecord()).toBeNull();
    expect(r.provider.callsOf('revokeGrant').map((call) => call.tokens.refreshToken)).toEqual([
      r.record.tokens.refreshToken,
      renewed.refreshToken,
    ]);
  });

  it('while offline cancels the pending re-check', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.clock.pendingDelays()).toHaveLength(1);
    await r.manager.signOut({ everywhere: false });
    expect(r.clock.pendingDelays()).toEqual([]);
  });
});

describe('signing in', () => {
  function completeWith(r: Rig) {
    const browser = held<Awaited<ReturnType<ScriptedProvider['script']['signIn']>>>();
    r.provider.script.signIn = () => browser.promise;
    return {
      succeed: () =>
        browser.resolve({ tokens: issuedTokens(r.clock.now()), subject: ADA.sub, claims: { ...ADA } }),
      fail: (error: unknown) => browser.reject(error),
    };
  }

  it('shows the attempt with its link, then the profile once the record is saved', async () => {
    const r = rig();
    const browser = completeWith(r);
    const signingIn = r.manager.signIn();
    await flush();
    expect(r.manager.getState()).toMatchObject({
      status: 'signingIn',
      authorizationUrl: expect.stringContaining('/authorize'),
      // The link finishes this sign-in for whoever holds it until then: five minutes (auth/client.ts).
      expiresAt: r.clock.now() + 5 * 60_000,
    });
    browser.succeed();
    await expect(signingIn).resolves.toMatchObject({ sub: ADA.sub, name: 'Ada Lovelace' });
    expect(r.manager.getState().status).toBe('signedIn');
    expect((await r.savedRecord())?.subject).toBe(ADA.sub);
  });

  it.each([
    ['signed in', (browser: ReturnType<typeof completeWith>) => browser.succeed()],
    [
      'failed at the provider',
      (browser: ReturnType<typeof completeWith>) =>
        browser.fail(new LatchkeyError('PROVIDER_ERROR', 'declined')),
    ],
    [
      'timed out',
      (browser: ReturnType<typeof completeWith>) =>
        browser.fail(new LatchkeyError('LOGIN_TIMEOUT', 'too slow')),
    ],
    [
      'cancelled',
      (_browser: ReturnType<typeof completeWith>, manager: SessionManager) => manager.cancelSignIn(),
    ],
  ])(
    'once the attempt has %s, the link is in no state, diagnostics or log, and "open again" opens nothing',
    async (_end, end) => {
      const lines: string[] = [];
      const record = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
      const r = rig({ log: { info: record, warn: record } });
      const browser = completeWith(r);
      const signingIn = r.manager.signIn().catch(() => undefined);
      await flush();
      const link = (r.manager.getState() as { authorizationUrl: string }).authorizationUrl;
      expect(JSON.stringify(r.manager.diagnostics())).not.toContain(link);

      end(browser, r.manager);
      await signingIn;
      await flush();

      expect(r.manager.getState().status).not.toBe('signingIn');
      const published = r.states.map((state) => JSON.stringify(state));
      expect(published.at(-1)).not.toContain(link);
      expect(JSON.stringify(r.manager.diagnostics())).not.toContain(link);
      expect(lines.join('\n')).not.toContain(link);
      const opened = r.opened.length;
      await r.manager.reopenSignInPage();
      expect(r.opened).toHaveLength(opened);
    },
  );

  it('repeated "Open the page again" within two seconds opens one tab; later it opens again', async () => {
    const r = rig();
    completeWith(r);
    const signingIn = r.manager.signIn().catch(() => undefined);
    await flush();
    const first = r.opened.length;
    await Promise.all([r.manager.reopenSignInPage(), r.manager.reopenSignInPage()]);
    await r.manager.reopenSignInPage();
    expect(r.opened).toHaveLength(first + 1);
    await r.clock.advance(2_000);
    await r.manager.reopenSignInPage();
    expect(r.opened).toHaveLength(first + 2);
    r.manager.cancelSignIn();
    await signingIn;
  });

  it('a pasted callback with nothing pending is refused and changes nothing', async () => {
    const r = rig();
    const before = r.manager.getState();
    expect(() => r.manager.submitCallbackUrl('http://127.0.0.1:1/callback?code=c&state=s')).toThrow(
      expect.objectContaining({ code: 'LOGIN_REJECTED' }),
    );
    expect(r.manager.getState()).toEqual(before);
  });

  it('cancel: signed out with no reason, and a grant that arrives late is revoked, not kept', async () => {
    const r = rig();
    const browser = completeWith(r);
    const signingIn = r.manager.signIn();
    await flush();
    r.manager.cancelSignIn();
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(r.manager.getState()).toEqual({ status: 'signedOut', storage: { kind: 'keychain' } });
    browser.succeed();
    await flush();
    expect(await r.savedRecord()).toBeNull();
  });

  it('a second sign-in replaces the first attempt', async () => {
    const r = rig();
    completeWith(r);
    const first = r.manager.signIn();
    await flush();
    const second = r.manager.signIn();
    await expect(first).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(r.manager.getState().status).toBe('signingIn');
    r.manager.cancelSignIn();
    await expect(second).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
  });

  it('a provider refusal is shown on the signed-out screen', async () => {
    const r = rig();
    const browser = completeWith(r);
    const signingIn = r.manager.signIn();
    await flush();
    browser.fail(new LatchkeyError('PROVIDER_ERROR', 'Sign-in was declined at the provider.'));
    await expect(signingIn).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(r.manager.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signInFailed', error: { code: 'PROVIDER_ERROR' } },
    });
  });

  it('with a keychain that refuses writes: signed in, kept in memory, and saved once the keychain works again', async () => {
    const real = memoryKeychain();
    let refuse = true;
    const backend: KeychainBackend = {
      ...real,
      setPassword: (...args) =>
        refuse ? Promise.reject(new Error(KEYRING_ERRORS.locked)) : real.setPassword(...args),
    };
    const r = rig({ backend });
    const browser = completeWith(r);
    const signingIn = r.manager.signIn();
    await flush();
    browser.succeed();
    await signingIn;
    expect(r.manager.getState()).toMatchObject({
      status: 'signedIn',
      storage: {
        kind: 'memory',
        problem: { code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/locked/) },
      },
    });
    refuse = false;
    await r.clock.advance(2 * 3600_000); // the next refresh saves again
    await r.manager.withAccessToken(async (token) => token);
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', storage: { kind: 'keychain' } });
    expect(await r.savedRecord()).not.toBeNull();
  });
});

describe('backoff', () => {
  const exact = { baseMs: 1_000, maxMs: 30_000, jitter: false, random: () => 0.5 };

  it('doubles from the base up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => backoffDelay(attempt, exact))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('with jitter stays within [delay / 2, delay]', () => {
    expect(backoffDelay(3, { ...exact, jitter: true, random: () => 0 })).toBe(2_000);
    expect(backoffDelay(3, { ...exact, jitter: true, random: () => 1 })).toBe(4_000);
  });
});

describe('the session around its edges', () => {
  function browserLeg(r: Rig) {
    const browser = held<Awaited<ReturnType<ScriptedProvider['script']['signIn']>>>();
    r.provider.script.signIn = () => browser.promise;
    const tokens = issuedTokens(r.clock.now());
    return { tokens, succeed: () => browser.resolve({ tokens, subject: ADA.sub, claims: { ...ADA } }) };
  }

  it('a grant that arrives after the sign-in was cancelled is revoked, never kept', async () => {
    const r = rig();
    const browser = browserLeg(r);
    // The code exchange was already under way when Cancel was pressed: the client answers anyway.
    r.provider.signIn = () => r.provider.script.signIn();
    const signingIn = r.manager.signIn();
    await flush();
    r.manager.cancelSignIn();
    browser.succeed();
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    await flush();
    expect(r.provider.callsOf('revokeGrant').map((call) => call.tokens.refreshToken)).toEqual([
      browser.tokens.refreshToken,
    ]);
    expect(r.manager.getState().status).toBe('signedOut');
  });

  it('signing in while signed in is refused; after dispose it is cancelled', async () => {
    const r = await signedInRig();
    await expect(r.manager.signIn()).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'You are already signed in. Sign out first to switch accounts.',
    });
    const other = rig();
    other.manager.dispose();
    await expect(other.manager.signIn()).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(other.provider.callsOf('signIn')).toHaveLength(0);
  });

  it('"open the page again" opens the pending attempt\'s link, and nothing without an attempt', async () => {
    const r = rig();
    await r.manager.reopenSignInPage();
    expect(r.opened).toEqual([]);
    browserLeg(r);
    const signingIn = r.manager.signIn();
    await flush();
    const state = r.manager.getState();
    const link = state.status === 'signingIn' ? state.authorizationUrl : '';
    await r.manager.reopenSignInPage();
    expect(r.opened.at(-1)).toBe(link);
    r.manager.cancelSignIn();
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
  });

  it('the signing-in state names the redirect URI to register, and whether its port is fixed', async () => {
    for (const redirectPorts of [undefined, [53682]]) {
      const r = rig();
      const settings = { ...SCRIPTED_SETTINGS, ...(redirectPorts ? { redirectPorts } : {}) };
      Object.assign(r.provider, { settings });
      r.provider.signIn = async (options) => {
        options.onAuthorizationUrl?.(
          `${settings.issuer}/authorize?redirect_uri=${encodeURIComponent('http://127.0.0.1:53682/callback')}`,
        );
        return new Promise<never>(() => undefined);
      };
      void r.manager.signIn().catch(() => undefined);
      await flush();
      expect(r.manager.getState()).toMatchObject({
        status: 'signingIn',
        redirect: { uri: 'http://127.0.0.1:53682/callback', fixedPort: redirectPorts !== undefined },
      });
      r.manager.cancelSignIn();
    }
  });

  it('listeners hear each change once, a throwing one does not silence the others, and unsubscribing stops them', async () => {
    const r = rig();
    const heard: string[] = [];
    r.manager.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = r.manager.subscribe((state) => heard.push(state.status));
    await r.saveRecord(recordFor(r.clock.now()));
    await r.manager.restore();
    expect(heard).toEqual(['restoring', 'signedIn']);
    await r.manager.recheck();
    expect(heard).toEqual(['restoring', 'signedIn']);
    unsubscribe();
    await r.manager.signOut({ everywhere: false });
    expect(heard).toEqual(['restoring', 'signedIn']);
    expect(r.states.at(-1)?.status).toBe('signedOut');
  });

  it('dispose stops the pending re-check and the listeners, and is safe twice', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.clock.pendingDelays()).toHaveLength(1);
    const heard = r.states.length;
    r.manager.dispose();
    r.manager.dispose();
    expect(r.clock.pendingDelays()).toEqual([]);
    await r.manager.signOut({ everywhere: false });
    expect(r.states).toHaveLength(heard);
    await expect(r.manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
      code: 'NOT_SIGNED_IN',
      message: 'Latchkey is shutting down.',
    });
  });

  it('a fresh profile: fetched, shown and saved; not signed in, it says so; unreachable, the session goes offline', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => ({ ...ADA, name: 'Ada King' });
    await expect(r.manager.fetchProfile()).resolves.toMatchObject({ name: 'Ada King' });
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', profile: { name: 'Ada King' } });
    expect((await r.savedRecord())?.profile.name).toBe('Ada King');

    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await expect(r.manager.fetchProfile()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(r.manager.getState().status).toBe('offline');

    await r.manager.signOut({ everywhere: false });
    await expect(r.manager.fetchProfile()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
  });

  it('a renewed access token shows its new expiry while signed in', async () => {
    const r = await signedInRig();
    await r.clock.advance(2 * 3600_000);
    await r.manager.withAccessToken(async (token) => token);
    const renewed = r.provider.callsOf('refresh').length;
    expect(renewed).toBe(1);
    expect(r.manager.getState()).toMatchObject({
      status: 'signedIn',
      accessTokenExpiresAt: r.clock.now() + 3600_000,
    });
    expect(r.manager.diagnostics().lastRefreshAt).toBe(r.clock.now());
  });

  it('restoring twice reads the keychain once; signed in already, restore changes nothing', async () => {
    const r = rig();
    await r.saveRecord(recordFor(r.clock.now()));
    const [first, second] = await Promise.all([r.manager.restore(), r.manager.restore()]);
    expect(first).toBe(second);
    expect(r.provider.callsOf('userinfo')).toHaveLength(1);
    await r.manager.restore();
    expect(r.provider.callsOf('userinfo')).toHaveLength(1);
  });

  it('diagnostics say where the session lives and what the settings are', async () => {
    const r = await signedInRig();
    const diagnostics = r.manager.diagnostics();
    expect(diagnostics.storage).toEqual({ backend: 'keychain', detail: 'System keychain, service "test"' });
    expect(diagnostics.record).not.toBeNull();
    expect(diagnostics.accessTokenExpiresAt).toBe(r.record.tokens.expiresAt);
    expect(diagnostics.redirectPorts).toEqual([]);
    expect(diagnostics.offlineAccessPrompt).toBe(true);
    expect(diagnostics.scopes).toMatchObject({ refreshToken: true });

    const memory = rig({ backend: brokenKeychain(KEYRING_ERRORS.noSecretService) });
    await memory.manager.restore();
    const inMemory = memory.manager.diagnostics();
    expect(inMemory.storage.backend).toBe('memory');
    expect(inMemory.record).toBeNull();
    expect(inMemory.accessTokenExpiresAt).toBeNull();

    const custom = rig();
    Object.assign(custom.provider, {
      settings: { ...SCRIPTED_SETTINGS, redirectPorts: [53682, 53683], offlineAccessPrompt: false },
    });
    expect(custom.manager.diagnostics()).toMatchObject({
      redirectPorts: [53682, 53683],
      offlineAccessPrompt: false,
    });
  });
});

describe('the session and time', () => {
  it('a token that expires exactly at the leeway is renewed; one a moment later is used as it is', async () => {
    for (const [margin, refreshes] of [
      [60_000, 1],
      [60_001, 0],
    ] as const) {
      const r = rig({ expiryLeewayMs: 60_000 });
      await r.saveRecord(
        recordFor(r.clock.now(), issuedTokens(r.clock.now(), { expiresAt: r.clock.now() + margin })),
      );
      await r.manager.restore();
      expect(r.provider.callsOf('refresh'), String(margin)).toHaveLength(refreshes);
    }
  });

  it('a caller that joins a refresh in flight and then meets a 401 ends the session, with no second refresh', async () => {
    const r = await signedInRig();
    const renewal = held<ReturnType<typeof issuedTokens>>();
    r.provider.script.refresh = () => renewal.promise;
    await r.clock.advance(2 * 3600_000);
    const first = r.manager.withAccessToken(async (token) => token);
    await flush();
    const joined = r.manager.withAccessToken(async () => {
      throw PROVIDER_FAILURES.tokenRejected();
    });
    await flush();
    renewal.resolve(issuedTokens(r.clock.now()));
    await first;
    await expect(joined).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a 401 met while another caller renews waits for that renewal instead of starting its own', async () => {
    const r = await signedInRig();
    const renewal = held<ReturnType<typeof issuedTokens>>();
    r.provider.script.refresh = () => renewal.promise;
    const gate = held<void>();
    const seen: string[] = [];
    const slow = r.manager.withAccessToken(async (token) => {
      seen.push(token);
      if (seen.length === 1) {
        await gate.promise;
        throw PROVIDER_FAILURES.tokenRejected();
      }
      return token;
    });
    await flush();
    await r.clock.advance(2 * 3600_000);
    const other = r.manager.withAccessToken(async (token) => token);
    await flush();
    gate.resolve();
    await flush();
    const renewed = issuedTokens(r.clock.now());
    renewal.resolve(renewed);
    await expect(slow).resolves.toBe(renewed.accessToken);
    await expect(other).resolves.toBe(renewed.accessToken);
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a refused refresh ends the session at once: nothing pending, no further provider call', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.clock.pendingDelays()).toHaveLength(1);
    r.provider.script.refresh = () => {
      throw PROVIDER_FAILURES.refused();
    };
    // The pending re-check falls due with the access token expired: its refresh is refused.
    await r.clock.advance(2 * 3600_000);
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(r.clock.pendingDelays()).toEqual([]);
    await expect(r.manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
      code: 'NOT_SIGNED_IN',
    });
    expect(await r.manager.recheck()).toMatchObject({ status: 'signedOut' });
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a sign-out while a validation is in flight stays a sign-out', async () => {
    const r = await signedInRig();
    const answer = held<typeof ADA>();
    r.provider.script.userinfo = () => answer.promise;
    const checking = r.manager.recheck();
    await flush();
    await r.manager.signOut({ everywhere: false });
    answer.resolve({ ...ADA, name: 'Changed meanwhile' });
    await checking;
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'signedOut' } });
    expect(await r.savedRecord()).toBeNull();
  });

  it('a failure of a call made for a session that has since ended changes nothing', async () => {
    const r = await signedInRig();
    const answer = held<typeof ADA>();
    r.provider.script.userinfo = () => answer.promise;
    const checking = r.manager.recheck();
    await flush();
    await r.manager.signOut({ everywhere: false });
    answer.reject(PROVIDER_FAILURES.network());
    await checking;
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'signedOut' } });
    expect(r.clock.pendingDelays()).toEqual([]);
  });
});

describe('the launch read', () => {
  function slowKeychain() {
    const real = memoryKeychain();
    const gate = held<void>();
    const backend: KeychainBackend = {
      ...real,
      getPassword: async (service, account) => {
        await gate.promise;
        return real.getPassword(service, account);
      },
    };
    return { real, backend, open: () => gate.resolve() };
  }

  it('a call made while the launch reads the keychain waits for the saved session instead of failing', async () => {
    const keychain = slowKeychain();
    const r = rig({ backend: keychain.backend });
    const record = recordFor(r.clock.now());
    await createSavedSession({
      store: createKeychainStore({
        account: recordAccount(SCRIPTED_SETTINGS),
        service: 'test',
        backend: keychain.real,
      }),
      settings: SCRIPTED_SETTINGS,
      pause: async () => undefined,
      retryDelayMs: 0,
    }).write(record, 1);
    const restoring = r.manager.restore();
    await flush();
    const call = r.manager.withAccessToken(async (token) => token);
    keychain.open();
    await expect(call).resolves.toBe(record.tokens.accessToken);
    await restoring;
  });

  it('a sign-in started during the launch read wins over the saved session', async () => {
    const keychain = slowKeychain();
    const r = rig({ backend: keychain.backend });
    await createSavedSession({
      store: createKeychainStore({
        account: recordAccount(SCRIPTED_SETTINGS),
        service: 'test',
        backend: keychain.real,
      }),
      settings: SCRIPTED_SETTINGS,
      pause: async () => undefined,
      retryDelayMs: 0,
    }).write(recordFor(r.clock.now()), 1);
    const restoring = r.manager.restore();
    await flush();
    const signingIn = r.manager.signIn();
    await flush();
    keychain.open();
    await restoring;
    expect(r.manager.getState().status).toBe('signingIn');
    expect(r.provider.callsOf('userinfo')).toHaveLength(0);
    r.manager.cancelSignIn();
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
  });

  it('takes the endpoints saved with the record, and discovers again only once the provider confirmed the session', async () => {
    const r = rig();
    const used: unknown[] = [];
    r.provider.useSavedMetadata = (metadata) => {
      used.push(metadata);
    };
    const provider = {
      issuer: SCRIPTED_SETTINGS.issuer,
      userinfo_endpoint: `${SCRIPTED_SETTINGS.issuer}/me`,
    };
    await r.saveRecord({ ...recordFor(r.clock.now()), provider } as SessionRecord);
    await r.manager.restore();
    expect(used).toHaveLength(1);
    expect(r.provider.callsOf('discover')).toHaveLength(1);

    const offline = rig();
    await offline.saveRecord(recordFor(offline.clock.now()));
    offline.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await offline.manager.restore();
    expect(offline.manager.getState().status).toBe('offline');
    expect(offline.provider.callsOf('discover')).toHaveLength(0);
  });
});

/** Log lines, as the support log would show them. */
function logLines() {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, log: { info: record, warn: record } };
}

/** A keychain whose writes the test counts, fails on cue or holds in flight. */
function countingKeychain(failWrites = 0) {
  const real = memoryKeychain();
  const writes = { count: 0, failing: failWrites, gate: null as Promise<void> | null };
  const backend: KeychainBackend = {
    ...real,
    setPassword: async (...args) => {
      writes.count += 1;
      if (writes.gate) await writes.gate;
      if (writes.failing > 0) {
        writes.failing -= 1;
        throw new Error(KEYRING_ERRORS.locked);
      }
      return real.setPassword(...args);
    },
  };
  return { backend, writes };
}

describe('the backoff a person gets by default', () => {
  it('the first re-check comes within two seconds, and the delay stops growing at five minutes', async () => {
    // Only the draw is fixed (the lowest: half the delay); base, maximum and jitter are the defaults.
    const r = await signedInRig({ retry: { random: () => 0 } });
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    expect(r.clock.pendingDelays()).toEqual([1_000]);
    for (let i = 0; i < 12; i += 1) await r.clock.advance(r.clock.pendingDelays()[0]!);
    expect(r.clock.pendingDelays()).toEqual([150_000]);
  });

  it('with the real clock, an unreachable provider is re-checked on its own, and "Retry now" replaces the pending re-check instead of adding one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const r = await signedInRig({ timers: undefined });
      r.provider.script.userinfo = () => {
        throw PROVIDER_FAILURES.network();
      };
      await r.manager.recheck(); // re-check due in 1 s
      await r.manager.recheck(); // "Retry now": the next one is due in 2 s, the 1 s one is gone
      expect(r.provider.callsOf('userinfo')).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(r.provider.callsOf('userinfo')).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(r.provider.callsOf('userinfo')).toHaveLength(4);
      expect(r.manager.getState().status).toBe('offline');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the keychain, tried again before the session goes to memory', () => {
  it('by default a write that fails twice is tried a third time, and the session is saved', async () => {
    const keychain = countingKeychain();
    const { lines, log } = logLines();
    const r = rig({ backend: keychain.backend, writeRetries: undefined, log });
    await r.saveRecord(recordFor(r.clock.now()));
    keychain.writes.count = 0;
    keychain.writes.failing = 2;
    r.provider.script.userinfo = () => ({ ...ADA, name: 'Ada King' });
    const restoring = r.manager.restore();
    // The pauses between tries wait on the session's timers.
    for (let i = 0; i < 5; i += 1) {
      await flush();
      await r.clock.advance(200);
    }
    await restoring;
    expect(keychain.writes.count).toBe(3);
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', storage: { kind: 'keychain' } });
    expect((await r.savedRecord())?.profile.name).toBe('Ada King');
    // Nothing was in memory, so nothing "works again".
    expect(lines.join('\n')).not.toContain('works again');
  });

  it('once the keychain is known to fail, each save tries it once (a hung keychain costs one timeout)', async () => {
    const keychain = countingKeychain(Number.POSITIVE_INFINITY);
    const r = rig({ backend: keychain.backend, writeRetries: 2 });
    r.provider.script.signIn = async () => ({
      tokens: issuedTokens(r.clock.now()),
      subject: ADA.sub,
      claims: ADA,
    });
    const signingIn = r.manager.signIn();
    for (let i = 0; i < 5; i += 1) {
      await flush();
      await r.clock.advance(200);
    }
    await signingIn;
    expect(keychain.writes.count).toBe(3);
    expect(r.manager.getState()).toMatchObject({ status: 'signedIn', storage: { kind: 'memory' } });
    await r.clock.advance(2 * 3600_000); // the next refresh saves again
    await r.manager.withAccessToken(async (token) => token);
    expect(keychain.writes.count).toBe(4);
  });

  it('the saved record carries the provider endpoints as last discovered, for the next launch', async () => {
    const r = rig();
    const endpoints = {
      issuer: SCRIPTED_SETTINGS.issuer,
      userinfo_endpoint: `${SCRIPTED_SETTINGS.issuer}/me`,
    };
    r.provider.knownMetadata = () => endpoints as never;
    r.provider.script.signIn = async () => ({
      tokens: issuedTokens(r.clock.now()),
      subject: ADA.sub,
      claims: ADA,
    });
    await r.manager.signIn();
    expect((await r.savedRecord())?.provider).toEqual(endpoints);
  });
});

describe('sign-in side paths', () => {
  function browser(r: Rig) {
    const leg = held<Awaited<ReturnType<ScriptedProvider['script']['signIn']>>>();
    r.provider.script.signIn = () => leg.promise;
    return leg;
  }

  it('a browser that fails to open leaves the attempt going, and the failure is kept for diagnostics', async () => {
    const r = rig({
      openExternal: async () => {
        throw new Error('xdg-open: no method available');
      },
    });
    browser(r);
    const signingIn = r.manager.signIn().catch((error: unknown) => error);
    await flush();
    expect(r.manager.getState().status).toBe('signingIn');
    expect(r.manager.diagnostics().lastError).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('browser could not be opened'),
    });
    r.manager.cancelSignIn();
    await signingIn;
  });

  it('a sign-in the browser side reports as cancelled shows signed out with no failure to explain', async () => {
    const r = rig();
    const leg = browser(r);
    const signingIn = r.manager.signIn();
    await flush();
    leg.reject(loginCancelled());
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(r.manager.getState()).toEqual({ status: 'signedOut', storage: { kind: 'keychain' } });
    expect(r.manager.diagnostics().lastError).toBeNull();
  });

  it('an unexpected failure of the sign-in is an INTERNAL error, the original kept as its cause', async () => {
    const r = rig();
    const leg = browser(r);
    const signingIn = r.manager.signIn();
    await flush();
    const original = new Error('socket hang up');
    leg.reject(original);
    const failure = await signingIn.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'INTERNAL' });
    expect((failure as Error).cause).toBe(original);
  });

  it('a provider that grants less than asked is noted in the log with what is missing', async () => {
    const { lines, log } = logLines();
    const r = rig({ log });
    r.provider.script.signIn = async () => ({
      tokens: issuedTokens(r.clock.now(), { scope: 'openid profile', refreshToken: undefined }),
      subject: ADA.sub,
      claims: ADA,
    });
    await r.manager.signIn();
    expect(lines.join('\n')).toContain('missing [email offline_access], without a refresh token');
  });

  it('a sign-out while the new session is being saved stays a sign-out, and leaves no record behind', async () => {
    const keychain = countingKeychain();
    let open!: () => void;
    keychain.writes.gate = new Promise<void>((resolve) => (open = resolve));
    const r = rig({ backend: keychain.backend });
    r.provider.script.signIn = async () => ({
      tokens: issuedTokens(r.clock.now()),
      subject: ADA.sub,
      claims: ADA,
    });
    const signingIn = r.manager.signIn();
    await flush();
    const signingOut = r.manager.signOut({ everywhere: false });
    open();
    await signingIn;
    await signingOut;
    await flush();
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'signedOut' } });
    // The write that was in flight did not outlive the sign-out's delete.
    expect(await r.savedRecord()).toBeNull();
  });

  it('an authorization link that cannot be parsed names no redirect address rather than failing', async () => {
    const r = rig();
    r.provider.signIn = async (options) => {
      options.onAuthorizationUrl?.('not a url');
      return new Promise<never>(() => undefined);
    };
    void r.manager.signIn().catch(() => undefined);
    await flush();
    expect(r.manager.getState()).toMatchObject({ status: 'signingIn', redirect: { uri: '' } });
    r.manager.cancelSignIn();
  });

  it('shutting down during a sign-in cancels it', async () => {
    const r = rig();
    browser(r);
    const signingIn = r.manager.signIn();
    await flush();
    r.manager.dispose();
    await expect(signingIn).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    expect(r.manager.getState()).toEqual({ status: 'signedOut', storage: { kind: 'keychain' } });
  });
});

describe('signing out when already signed out', () => {
  it('with nothing earlier: nothing to remove or revoke, and the signed-out screen shows that report', async () => {
    const r = rig();
    const report = await r.manager.signOut({ everywhere: false });
    expect(report).toEqual({
      thisComputer: 'noSession',
      revocation: { outcome: 'notNeeded' },
      providerSession: 'notRequested',
    });
    expect(r.manager.getState()).toMatchObject({
      status: 'signedOut',
      reason: { kind: 'signedOut', report },
    });
  });

  it('after shutting down, a sign-out changes nothing on screen', async () => {
    const r = rig();
    const before = r.manager.getState();
    r.manager.dispose();
    await r.manager.signOut({ everywhere: false });
    expect(r.manager.getState()).toEqual(before);
  });

  it('a sign-in started while the provider sign-out page is being opened is not swept away', async () => {
    const r = rig();
    const url = held<string>();
    r.provider.endSessionUrl = () => url.promise;
    const signingOut = r.manager.signOut({ everywhere: true });
    await flush();
    const signingIn = r.manager.signIn().catch(() => undefined);
    await flush();
    url.resolve(`${SCRIPTED_SETTINGS.issuer}/logout`);
    await signingOut;
    expect(r.manager.getState().status).toBe('signingIn');
    r.manager.cancelSignIn();
    await signingIn;
  });

  it("the provider's failures while signing out everywhere are kept for diagnostics", async () => {
    const r = rig();
    r.provider.endSessionUrl = async () => {
      throw new LatchkeyError(
        'NOT_SUPPORTED',
        'The provider does not offer a way to end its browser session.',
      );
    };
    await r.manager.signOut({ everywhere: true });
    expect(r.manager.diagnostics().lastError).toMatchObject({ code: 'NOT_SUPPORTED' });
    const broken = rig({
      openExternal: async () => {
        throw new LatchkeyError('INTERNAL', 'no browser');
      },
    });
    await broken.manager.signOut({ everywhere: true });
    expect(broken.manager.diagnostics().lastError).toMatchObject({ code: 'INTERNAL', message: 'no browser' });
  });
});

describe('revocation side paths', () => {
  it('a revocation the provider rate-limits is reported as unreachable, and no sign-out page is opened', async () => {
    const r = await signedInRig();
    r.provider.script.revokeGrant = () => ({
      revoked: false,
      reason: 'failed',
      error: new LatchkeyError('RATE_LIMITED', 'Too many requests.'),
    });
    const report = await r.manager.signOut({ everywhere: true });
    expect(report).toMatchObject({
      revocation: { outcome: 'notRevoked', why: 'unreachable' },
      providerSession: 'unreachable',
    });
    expect(r.opened).toEqual([]);
  });

  it('a revocation call that throws is reported with its error, and the person is signed out anyway', async () => {
    const r = await signedInRig();
    r.provider.revokeGrant = async () => {
      throw PROVIDER_FAILURES.network();
    };
    const report = await r.manager.signOut({ everywhere: false });
    expect(report.revocation).toEqual({
      outcome: 'notRevoked',
      why: 'unreachable',
      error: { code: 'NETWORK', message: PROVIDER_FAILURES.network().message },
    });
    expect(await r.savedRecord()).toBeNull();
  });

  it('a session ended after a 401 on a renewed token still ends when revoking its grant throws, and the log says so', async () => {
    const { lines, log } = logLines();
    const r = await signedInRig({ log });
    r.provider.revokeGrant = async () => {
      throw PROVIDER_FAILURES.network();
    };
    await expect(
      r.manager.withAccessToken(async () => {
        throw PROVIDER_FAILURES.tokenRejected();
      }),
    ).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(await r.savedRecord()).toBeNull();
    expect(lines.join('\n')).toContain('refresh token was not revoked (failed)');
    expect(r.manager.diagnostics().lastError).toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('a sign-in started while a sign-out waits for the provider keeps its screen when the report arrives', async () => {
    const r = await signedInRig();
    const revocation = held<RevocationOutcome>();
    r.provider.script.revokeGrant = () => revocation.promise;
    const signingOut = r.manager.signOut({ everywhere: false });
    await flush();
    const signingIn = r.manager.signIn().catch(() => undefined);
    await flush();
    revocation.resolve({ revoked: true });
    await signingOut;
    expect(r.manager.getState().status).toBe('signingIn');
    r.manager.cancelSignIn();
    await signingIn;
  });
});

describe('offline bookkeeping', () => {
  it('"offline since" stays the time of the first failure across re-checks', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    const since = r.clock.now();
    await r.manager.recheck();
    await r.clock.advance(1_000);
    await r.clock.advance(2_000);
    expect(r.provider.callsOf('userinfo')).toHaveLength(4);
    expect(r.manager.getState()).toMatchObject({ status: 'offline', since });
  });

  it('a failed profile fetch while a re-check is pending leaves one re-check pending, not two', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    await expect(r.manager.fetchProfile()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(r.clock.pendingDelays()).toEqual([2_000]);
  });

  it('a rate-limited provider keeps the automatic re-checks going, like an unreachable one', async () => {
    const r = await signedInRig();
    r.provider.script.userinfo = () => {
      throw new LatchkeyError('RATE_LIMITED', 'Too many requests.');
    };
    await r.manager.recheck();
    for (let i = 0; i < REFUSALS_BEFORE_PAUSE + 1; i += 1) await r.clock.advance(r.clock.pendingDelays()[0]!);
    expect(r.manager.getState()).toMatchObject({ status: 'offline', nextRetryAt: expect.any(Number) });
  });

  it('a call whose refresh is refused while a re-check is pending ends the session with nothing left pending', async () => {
    const r = await signedInRig({ retry: { baseMs: 3 * 3600_000, maxMs: 3 * 3600_000, jitter: false } });
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    await r.clock.advance(2 * 3600_000); // the access token expired; the re-check is not due yet
    r.provider.script.refresh = () => {
      throw PROVIDER_FAILURES.refused();
    };
    await expect(r.manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    });
    expect(r.manager.getState()).toMatchObject({ status: 'signedOut', reason: { kind: 'revoked' } });
    expect(r.clock.pendingDelays()).toEqual([]);
    expect(r.manager.diagnostics().lastError).toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('renewing the access token while offline does not claim the provider confirmed the session', async () => {
    const r = await signedInRig({ retry: { baseMs: 3 * 3600_000, maxMs: 3 * 3600_000, jitter: false } });
    r.provider.script.userinfo = () => {
      throw PROVIDER_FAILURES.network();
    };
    await r.manager.recheck();
    await r.clock.advance(2 * 3600_000);
    await r.manager.withAccessToken(async (token) => token);
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
    expect(r.manager.getState().status).toBe('offline');
  });

  it('the failure of a call made for a session that has since ended is not recorded as the latest error', async () => {
    const r = await signedInRig();
    const answer = held<typeof ADA>();
    r.provider.script.userinfo = () => answer.promise;
    const checking = r.manager.recheck();
    await flush();
    await r.manager.signOut({ everywhere: false });
    answer.reject(PROVIDER_FAILURES.network());
    await checking;
    expect(r.manager.diagnostics().lastError).toBeNull();
  });

  it('after shutting down, a call refused as "shutting down" leaves the state and diagnostics as they were', async () => {
    const r = await signedInRig();
    const before = r.manager.getState();
    r.manager.dispose();
    await expect(r.manager.withAccessToken(async (token) => token)).rejects.toMatchObject({
      code: 'NOT_SIGNED_IN',
    });
    expect(r.manager.getState()).toEqual(before);
    expect(r.manager.diagnostics().lastError).toBeNull();
  });
});

describe('the access token, more edges', () => {
  it('a call made while another caller renews after a 401 waits for the renewal and never sends the refused token', async () => {
    const r = await signedInRig();
    const renewal = held<ReturnType<typeof issuedTokens>>();
    r.provider.script.refresh = () => renewal.promise;
    const first = r.manager.withAccessToken(async (token) => {
      if (token === r.record.tokens.accessToken) throw PROVIDER_FAILURES.tokenRejected();
      return token;
    });
    await flush();
    const sent: string[] = [];
    const second = r.manager.withAccessToken(async (token) => {
      sent.push(token);
      return token;
    });
    await flush();
    const renewed = issuedTokens(r.clock.now());
    renewal.resolve(renewed);
    await expect(first).resolves.toBe(renewed.accessToken);
    await expect(second).resolves.toBe(renewed.accessToken);
    expect(sent).toEqual([renewed.accessToken]);
  });

  it('a 401 on a token renewed because it had expired ends the session, with no second refresh', async () => {
    const r = await signedInRig();
    await r.clock.advance(2 * 3600_000);
    await expect(
      r.manager.withAccessToken(async () => {
        throw PROVIDER_FAILURES.tokenRejected();
      }),
    ).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(r.provider.callsOf('refresh')).toHaveLength(1);
  });

  it('a re-check that finds the profile unchanged writes nothing to the keychain', async () => {
    const keychain = countingKeychain();
    const r = await signedInRig({ backend: keychain.backend });
    const writes = keychain.writes.count;
    await r.manager.recheck();
    expect(keychain.writes.count).toBe(writes);
  });
});

describe('the launch, more edges', () => {
  it('with no keychain, discovery still starts in the background so that "Sign in" is quick', async () => {
    const r = rig({ backend: brokenKeychain(KEYRING_ERRORS.noSecretService) });
    await r.manager.restore();
    expect(r.provider.callsOf('discover')).toHaveLength(1);
  });

  it('an unusable saved record, or a sign-in started during the launch read, still starts discovery', async () => {
    const r = rig();
    r.backend.setPassword('test', recordAccount(SCRIPTED_SETTINGS), 'not a record');
    await r.manager.restore();
    expect(r.manager.getState()).toMatchObject({ reason: { kind: 'recordUnreadable' } });
    expect(r.provider.callsOf('discover')).toHaveLength(1);
  });

  it('a record saved without endpoints does not replace what the client knows', async () => {
    const r = rig();
    const used: unknown[] = [];
    r.provider.useSavedMetadata = (metadata) => void used.push(metadata);
    await r.saveRecord(recordFor(r.clock.now()));
    await r.manager.restore();
    expect(used).toEqual([]);
  });

  it('a background discovery that fails costs nothing but a log line', async () => {
    const { lines, log } = logLines();
    const r = rig({ log });
    r.provider.discover = async () => {
      throw PROVIDER_FAILURES.network();
    };
    await expect(r.manager.restore()).resolves.toMatchObject({ status: 'signedOut' });
    await flush();
    expect(lines.join('\n')).toContain('background discovery failed (NETWORK)');
  });

  it('restore while signed in, or after shutting down, reads nothing and changes nothing', async () => {
    const r = await signedInRig();
    const discoveries = r.provider.callsOf('discover').length;
    await r.manager.restore();
    await flush();
    expect(r.provider.callsOf('discover')).toHaveLength(discoveries);

    const other = rig();
    await other.saveRecord(recordFor(other.clock.now()));
    const before = other.manager.getState();
    other.manager.dispose();
    await other.manager.restore();
    expect(other.manager.getState()).toEqual(before);
  });

  it('restore after a sign-out reads the keychain again', async () => {
    const r = await signedInRig();
    await r.manager.signOut({ everywhere: false });
    await r.saveRecord(recordFor(r.clock.now()));
    await expect(r.manager.restore()).resolves.toMatchObject({ status: 'signedIn' });
  });
});

describe('diagnostics, more edges', () => {
  it('says what revocation the provider supports from the endpoints saved with the session', async () => {
    const r = rig();
    const provider = {
      issuer: SCRIPTED_SETTINGS.issuer,
      revocation_endpoint: `${SCRIPTED_SETTINGS.issuer}/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
    };
    await r.saveRecord({ ...recordFor(r.clock.now()), provider } as SessionRecord);
    await r.manager.restore();
    expect(r.manager.diagnostics().revocation).toBe('publicClients');
  });

  it('shows no keychain record once signed out, nor while the session lives in memory', async () => {
    const r = await signedInRig();
    await r.manager.signOut({ everywhere: false });
    expect(r.manager.diagnostics().record).toBeNull();

    const keychain = countingKeychain(Number.POSITIVE_INFINITY);
    const memory = rig({ backend: keychain.backend });
    memory.provider.script.signIn = async () => ({
      tokens: issuedTokens(memory.clock.now()),
      subject: ADA.sub,
      claims: ADA,
    });
    await memory.manager.signIn();
    expect(memory.manager.getState()).toMatchObject({ storage: { kind: 'memory' } });
    expect(memory.manager.diagnostics().record).toBeNull();
  });
});
