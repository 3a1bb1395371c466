import { describe, expect, it } from 'vitest';
import {
  grantedScopes,
  grantShortfall,
  parseRecord,
  RECORD_FORMAT_VERSION,
  renewedRecord,
  serializeRecord,
  type SessionRecord,
  profileFromClaims,
  recordAccount,
  sameProfile,
} from '../../../../main/session/session-record';

const expected = { issuer: 'https://issuer.example', clientId: 'app' };
const record: SessionRecord = {
  v: RECORD_FORMAT_VERSION,
  ...expected,
  subject: 'auth0|1',
  tokens: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1, tokenType: 'Bearer' },
  profile: { sub: 'auth0|1', name: 'Zoë Ørsted 李' },
  savedAt: 2,
};

describe('session record', () => {
  it('serialises as ASCII-only JSON and parses back to the same record', () => {
    const text = serializeRecord(record);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(parseRecord(text, expected)).toEqual({ ok: true, record });
  });

  it.each([
    ['not JSON', '{"v":', /not valid JSON/],
    ['another format version', JSON.stringify({ ...record, v: 2 }), /format version 2/],
    ['no version at all (a stranger)', JSON.stringify({ token: 'x' }), /format version undefined/],
    ['missing tokens', JSON.stringify({ ...record, tokens: undefined }), /missing fields/],
    ['another issuer', JSON.stringify({ ...record, issuer: 'https://other.example' }), /another provider/],
    ['another client id', JSON.stringify({ ...record, clientId: 'other' }), /another provider or client/],
  ])('refuses %s with a reason that quotes no value', (_name, text, reason) => {
    const parsed = parseRecord(text, expected);
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    if (!parsed.ok) expect(parsed.reason).not.toMatch(/\bat\b|\brt\b/);
  });
});

describe('a renewed session', () => {
  const current: SessionRecord = {
    ...record,
    tokens: { ...record.tokens, refreshToken: 'rt1', idToken: 'idt1' },
  };

  it('takes every token the provider sent (a rotated refresh token, a new ID token)', () => {
    const fresh = {
      accessToken: 'at2',
      refreshToken: 'rt2',
      idToken: 'idt2',
      expiresAt: 9,
      tokenType: 'Bearer',
    };
    expect(renewedRecord(current, fresh, 5)).toEqual({ ...current, tokens: fresh, savedAt: 5 });
  });

  it('keeps the refresh token and the ID token the provider did not send again (no rotation)', () => {
    const renewed = renewedRecord(current, { accessToken: 'at2', expiresAt: 9, tokenType: 'Bearer' }, 5);
    expect(renewed.tokens).toEqual({
      accessToken: 'at2',
      refreshToken: 'rt1',
      idToken: 'idt1',
      expiresAt: 9,
      tokenType: 'Bearer',
    });
  });

  it('has no refresh token when there was none before and none now', () => {
    const without: SessionRecord = {
      ...record,
      tokens: { accessToken: 'at', expiresAt: 1, tokenType: 'Bearer' },
    };
    const renewed = renewedRecord(without, { accessToken: 'at2', expiresAt: 9, tokenType: 'Bearer' }, 5);
    expect(renewed.tokens).not.toHaveProperty('refreshToken');
    expect(renewed.tokens).not.toHaveProperty('idToken');
  });
});

describe('what the provider granted', () => {
  const asked = ['openid', 'profile', 'email', 'offline_access'];

  it('a refresh response without scope keeps the scope granted before (RFC 6749 §5.1, §6)', () => {
    const scoped: SessionRecord = { ...record, tokens: { ...record.tokens, scope: 'openid profile' } };
    expect(
      renewedRecord(scoped, { accessToken: 'at2', expiresAt: 9, tokenType: 'Bearer' }, 5).tokens.scope,
    ).toBe('openid profile');
    expect(
      renewedRecord(scoped, { accessToken: 'at2', expiresAt: 9, tokenType: 'Bearer', scope: 'openid' }, 5)
        .tokens.scope,
    ).toBe('openid');
  });

  it('is the stated scope, or what was asked when the provider did not state one', () => {
    expect(grantedScopes({ scope: 'openid email' }, asked)).toEqual(['openid', 'email']);
    expect(grantedScopes({}, asked)).toEqual(asked);
  });

  it('falls short when a scope asked for is missing or no refresh token came; openid never counts', () => {
    expect(grantShortfall({ scope: asked.join(' '), refreshToken: 'rt' }, asked)).toBeUndefined();
    expect(grantShortfall({ refreshToken: 'rt' }, asked)).toBeUndefined();
    expect(
      grantShortfall({ scope: 'profile email offline_access', refreshToken: 'rt' }, asked),
    ).toBeUndefined();
    expect(grantShortfall({ scope: 'openid' }, asked)).toEqual({
      missingScopes: ['profile', 'email', 'offline_access'],
      renewable: false,
    });
    expect(grantShortfall({ scope: 'openid profile email', refreshToken: 'rt' }, asked)).toEqual({
      missingScopes: ['offline_access'],
      renewable: true,
    });
    expect(grantShortfall({ scope: asked.join(' ') }, asked)).toEqual({
      missingScopes: [],
      renewable: false,
    });
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

describe('session record edges', () => {
  it('refuses a saved value of JSON null with a reason, instead of throwing', () => {
    expect(parseRecord('null', expected)).toEqual({
      ok: false,
      reason: `the saved session has format version undefined, not ${RECORD_FORMAT_VERSION}`,
    });
  });

  it('keeps one record per issuer and client id', () => {
    expect(recordAccount({ issuer: 'https://issuer.example', clientId: 'app' })).toBe(
      'https://issuer.example|app',
    );
    expect(recordAccount({ issuer: 'https://issuer.example', clientId: 'other' })).not.toBe(
      recordAccount({ issuer: 'https://issuer.example', clientId: 'app' }),
    );
  });

  it('reads granted scopes separated by more than one space without inventing an empty one', () => {
    expect(grantedScopes({ scope: ' openid  email ' }, ['openid'])).toEqual(['openid', 'email']);
  });

  it('holds only the claims the provider gave: no empty keys cross to the window', () => {
    expect(profileFromClaims({ sub: 'auth0|1' })).toStrictEqual({ sub: 'auth0|1' });
    expect(Object.keys(profileFromClaims({ sub: 'auth0|1', email: 'ada@example.com' }))).toEqual([
      'sub',
      'email',
    ]);
  });
});
