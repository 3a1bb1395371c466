import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../main/session/session-manager';
import { keychainError, keychainRemedy, keychainTimeout } from '../../../main/keychain/keychain-problems';
import { profileFromClaims, sameProfile } from '../../../main/session/session-record';

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

describe('profile from userinfo claims', () => {
  it('maps standard claims to camelCase and drops anything else', () => {
    expect(
      profileFromClaims({
        sub: 'auth0|1',
        name: 'Ada Lovelace',
        given_name: 'Ada',
        family_name: 'Lovelace',
        email: 'ada@example.test',
        email_verified: true,
        picture: 'https://example.test/a.png',
        'https://example.test/roles': ['admin'],
        nickname: 'ada',
      }),
    ).toEqual({
      sub: 'auth0|1',
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@example.test',
      emailVerified: true,
      picture: 'https://example.test/a.png',
    });
  });

  it('ignores claims of the wrong type', () => {
    expect(profileFromClaims({ sub: 'x', name: 42, email_verified: 'yes', email: '' } as never)).toEqual({
      sub: 'x',
    });
  });

  it('compares profiles field by field', () => {
    expect(sameProfile({ sub: 'a', name: 'A' }, { sub: 'a', name: 'A' })).toBe(true);
    expect(sameProfile({ sub: 'a', name: 'A' }, { sub: 'a', name: 'B' })).toBe(false);
  });
});

describe('keychain problems', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /No session bus/],
    ['Could not connect: No such file or directory', /No session bus/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /No keychain service/],
    ['Cannot create an item in a locked collection', /locked/],
    [
      'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
      /not been created or unlocked/,
    ],
    ['Something else', /refused to save your session: Something else/],
  ])('explains "%s"', (message, explained) => {
    const error = keychainError('save your session', new Error(message));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(explained);
  });

  it('explains a timeout in seconds', () => {
    expect(keychainTimeout('read your session', 3000).message).toMatch(/within 3 s .*password prompt/);
  });

  it('gives a remedy for each OS', () => {
    expect(keychainRemedy('linux')).toMatch(/GNOME Keyring or KWallet, with libsecret/);
    expect(keychainRemedy('darwin')).toMatch(/Keychain Access/);
    expect(keychainRemedy('win32')).toMatch(/Credential Manager/);
  });
});
