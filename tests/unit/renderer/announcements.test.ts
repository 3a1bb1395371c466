import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../common/session-state';
import { announcement } from '../../../renderer/announcements';

const profile = { sub: 'u1', email: 'ada@example.com', name: 'Ada Lovelace' };
const storage = { kind: 'keychain' } as const;
const signedIn: SessionState = {
  status: 'signedIn',
  profile,
  validatedAt: 1,
  accessTokenExpiresAt: 2,
  storage,
};
const offline = (nextRetryAt: number): SessionState => ({
  status: 'offline',
  profile,
  since: 1,
  nextRetryAt,
  lastError: { code: 'NETWORK', message: 'x' },
  storage,
});

describe('what the announcer says', () => {
  it('says nothing for the first state of a run (the focused heading says it)', () => {
    expect(announcement(null, signedIn, 'idp.example')).toBeNull();
  });

  it('says signing in, going offline and coming back once each, never a retry time', () => {
    const signingIn: SessionState = {
      status: 'signingIn',
      authorizationUrl: 'https://idp.example/authorize',
      startedAt: 0,
      expiresAt: 1,
      redirect: { uri: 'http://127.0.0.1:1/callback', fixedPort: false },
      storage,
    };
    expect(announcement(signingIn, signedIn, 'idp.example')).toBe(
      'Signed in to idp.example as ada@example.com.',
    );
    expect(announcement(signedIn, offline(5_000), 'idp.example')).toBe(
      'Offline: the sign-in provider cannot be reached. You are still signed in.',
    );
    // A new retry time while offline is not news.
    expect(announcement(offline(5_000), offline(9_000), 'idp.example')).toBeNull();
    expect(announcement(offline(9_000), signedIn, 'idp.example')).toBe(
      'Back online. Your session is confirmed.',
    );
    // A renewal that keeps the person signed in is not news either.
    expect(announcement(signedIn, { ...signedIn, accessTokenExpiresAt: 3 }, 'idp.example')).toBeNull();
  });

  it('says why the person is signed out', () => {
    const revoked: SessionState = { status: 'signedOut', reason: { kind: 'revoked', message: 'm' }, storage };
    expect(announcement(signedIn, revoked, 'p')).toBe('Your session has ended. Sign in again to continue.');
    const pending: SessionState = { status: 'signedOut', reason: { kind: 'signedOut' }, storage };
    expect(announcement(signedIn, pending, 'p')).toBe('Signed out.');
    const reported: SessionState = {
      status: 'signedOut',
      reason: {
        kind: 'signedOut',
        report: {
          thisComputer: 'removed',
          revocation: { outcome: 'revoked' },
          providerSession: 'notRequested',
        },
      },
      storage,
    };
    expect(announcement(pending, reported, 'p')).toBe('Sign-out finished.');
    expect(announcement(reported, reported, 'p')).toBeNull();
  });
});
