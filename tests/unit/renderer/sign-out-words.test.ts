import { describe, expect, it } from 'vitest';
import type { SignOutReport } from '../../../common/session-state';
import { signOutWords } from '../../../renderer/sign-out-words';

const done: SignOutReport = {
  thisComputer: 'removed',
  revocation: { outcome: 'revoked' },
  providerSession: 'notRequested',
};

describe('signOutWords', () => {
  it('a complete sign-out: removed here, cancelled at the provider, nothing to offer', () => {
    expect(signOutWords(done)).toEqual({
      tone: 'success',
      sentences: [
        'Your session was removed from this computer.',
        'Your sign-in was also cancelled at your provider.',
      ],
      offerProviderSignOut: false,
    });
  });

  it('a provider that cannot revoke for Latchkey: says so, and offers to sign out at the provider', () => {
    for (const why of ['noEndpoint', 'publicClientsNotAllowed'] as const) {
      const words = signOutWords({ ...done, revocation: { outcome: 'notRevoked', why } });
      expect(words.tone).toBe('warning');
      expect(words.offerProviderSignOut).toBe(true);
      expect(words.sentences[1]).toMatch(/stays valid there until it expires/);
      expect(words.sentences.at(-1)).toContain('Sign out at your provider');
    }
    expect(
      signOutWords({ ...done, revocation: { outcome: 'notRevoked', why: 'publicClientsNotAllowed' } })
        .sentences[1],
    ).toMatch(/^Your provider lets only server applications cancel a sign-in/);
  });

  it('a session without a refresh token at a provider that revokes nothing else (Auth0): says the access token stays valid until it expires', () => {
    const words = signOutWords({ ...done, revocation: { outcome: 'notRevoked', why: 'noRefreshToken' } });
    expect(words.tone).toBe('warning');
    expect(words.sentences[1]).toMatch(/no refresh token to cancel.*stays valid until it expires/);
    expect(words.offerProviderSignOut).toBe(true);
  });

  it('a failed revocation is worded without codes or HTTP', () => {
    for (const why of ['unreachable', 'refused'] as const) {
      const words = signOutWords({
        ...done,
        revocation: {
          outcome: 'notRevoked',
          why,
          error: { code: 'PROVIDER_ERROR', message: 'The provider answered HTTP 401 with an empty body.' },
        },
      });
      const text = words.sentences.join(' ');
      expect(text).not.toMatch(/HTTP|PROVIDER_ERROR|NETWORK|401/);
      expect(words.offerProviderSignOut).toBe(true);
    }
  });

  it('once the provider page was opened it is not offered again; a page that could not open is', () => {
    const opened = signOutWords({
      ...done,
      revocation: { outcome: 'notRevoked', why: 'noEndpoint' },
      providerSession: 'pageOpened',
    });
    expect(opened.offerProviderSignOut).toBe(false);
    expect(opened.sentences).toContain(
      "Your browser was opened at your provider's sign-out page. Confirm there if it asks.",
    );
    expect(
      signOutWords({
        ...done,
        revocation: { outcome: 'notRevoked', why: 'noEndpoint' },
        providerSession: 'failed',
      }).offerProviderSignOut,
    ).toBe(true);
  });

  it('says so when there was nothing to sign out of', () => {
    expect(
      signOutWords({
        thisComputer: 'noSession',
        revocation: { outcome: 'notNeeded' },
        providerSession: 'notRequested',
      }),
    ).toEqual({
      tone: 'success',
      sentences: ['There was no session to remove.'],
      offerProviderSignOut: false,
    });
  });

  it('a keychain that would not delete is a warning; an earlier sign-out says nothing about this computer', () => {
    expect(signOutWords({ ...done, thisComputer: 'removeFailed' }).tone).toBe('warning');
    expect(
      signOutWords({
        thisComputer: 'noSession',
        revocation: { outcome: 'notNeeded' },
        providerSession: 'notSupported',
      }).sentences,
    ).toEqual([
      "Your provider offers no way for Latchkey to sign you out in your browser; use your provider's own website if you need to.",
    ]);
  });
});

describe('sign out everywhere while the provider cannot be reached', () => {
  it('says the sign-out page was not opened, and offers it for when the person is back online', () => {
    const words = signOutWords({
      thisComputer: 'removed',
      revocation: {
        outcome: 'notRevoked',
        why: 'unreachable',
        error: { code: 'NETWORK', message: 'x' },
      },
      providerSession: 'unreachable',
    });
    expect(words.tone).toBe('warning');
    expect(words.offerProviderSignOut).toBe(true);
    expect(words.sentences).toContain(
      "Latchkey could not reach your provider, so it did not open your provider's sign-out page: your browser is still signed in there.",
    );
    expect(words.sentences.at(-1)).toMatch(/Once you are back online, use "Sign out at your provider"/);
  });
});
