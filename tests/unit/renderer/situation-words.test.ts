import { describe, expect, it } from 'vitest';
import type { ErrorCode, ErrorInfo } from '../../../common/errors';
import {
  accountAccessFailureWords,
  detailsFailureWords,
  signInFailureWords,
} from '../../../renderer/situation-words';

const JARGON = /users API|HTTP|\b[45]\d\d\b|[A-Z]{3,}_[A-Z_]+|NETWORK|will try again|by itself/;

const MAIN_NETWORK: ErrorInfo = {
  code: 'NETWORK',
  message:
    'Could not reach the sign-in provider while signing in: connection refused. Check your connection and try again.',
};

describe('one message per situation', () => {
  it('sign-in with the provider down: not signed in, check the connection, no promise of a retry, no code', () => {
    const words = signInFailureWords(MAIN_NETWORK);
    const text = [words.title, ...words.sentences].join(' ');
    expect(text).toMatch(/could not reach your sign-in provider, so you are not signed in/);
    expect(text).toMatch(/Check your internet connection, then press Sign in again/);
    expect(text).not.toMatch(/stay signed in/i);
    expect(text).not.toMatch(JARGON);
  });

  it('cancelling on the provider page (access_denied) reads "Sign-in cancelled", with the provider reason only when it gave one', () => {
    const bare = signInFailureWords({
      code: 'LOGIN_DECLINED',
      message: 'Sign-in was declined at the provider. You can try again.',
    });
    expect(bare.title).toBe('Sign-in cancelled');
    expect(bare.tone).toBe('info');
    expect(bare.sentences.join(' ')).not.toMatch(/said/);
    const ruled = signInFailureWords({
      code: 'LOGIN_DECLINED',
      message: 'Sign-in was declined at the provider: Please verify your email first. You can try again.',
    });
    expect(ruled.sentences).toContain('Your provider said: “Please verify your email first”.');
  });

  it('a failed save never says Latchkey will try again; it says the changes are still there and what to do', () => {
    const network = detailsFailureWords(
      {
        code: 'NETWORK',
        message: "The provider's users API could not be reached. Check the connection and try again.",
      },
      'save',
    );
    expect(network).toBe(
      'Not saved: Latchkey could not reach your provider. Your changes are still here; press Save again when you are back online.',
    );
    const unavailable = detailsFailureWords(
      { code: 'PROVIDER_ERROR', message: "The provider's users API answered HTTP 503." },
      'save',
    );
    expect(unavailable).not.toMatch(JARGON);
    expect(unavailable).toMatch(/press Save again/);
  });

  it('no code, status or API name reaches the person for any code, in any situation', () => {
    const codes: ErrorCode[] = [
      'LOGIN_CANCELLED',
      'LOGIN_DECLINED',
      'LOGIN_TIMEOUT',
      'LOGIN_REJECTED',
      'NETWORK',
      'ACCESS_TOKEN_REJECTED',
      'SESSION_EXPIRED',
      'NOT_SIGNED_IN',
      'FORBIDDEN',
      'NOT_FOUND',
      'RATE_LIMITED',
      'NOT_SUPPORTED',
      'AUTHORIZATION_REQUIRED',
      'INTERNAL',
    ];
    const jargon: ErrorInfo = { code: 'INTERNAL', message: 'users API HTTP 503 PROVIDER_ERROR' };
    for (const code of codes) {
      const error = { ...jargon, code };
      const signIn = signInFailureWords(error);
      // PROVIDER_ERROR / LOGIN_REJECTED quote main's message on purpose (the provider's own reason).
      if (code !== 'LOGIN_REJECTED')
        expect([signIn.title, ...signIn.sentences].join(' '), code).not.toMatch(JARGON);
      expect(detailsFailureWords(error, 'save'), code).not.toMatch(JARGON);
      expect(detailsFailureWords(error, 'load'), code).not.toMatch(JARGON);
      // FORBIDDEN quotes main's message on purpose (the browser was signed in as someone else).
      if (code !== 'FORBIDDEN') expect(accountAccessFailureWords(error), code).not.toMatch(JARGON);
    }
  });

  it('a save that needs the browser step first says the changes are kept and saved after it, never "try again"', () => {
    const needed: ErrorInfo = {
      code: 'AUTHORIZATION_REQUIRED',
      message: "Your details are kept by Auth0's Management API, which needs its own permission.",
    };
    expect(detailsFailureWords(needed, 'save')).toBe(
      'Not saved: your provider needs your permission first. Your changes are kept, and saved once you continue in your browser.',
    );
    expect(detailsFailureWords(needed, 'save')).not.toMatch(/did not accept|Diagnostics/);
  });

  it("a misconfigured users API (Auth0's Bad audience) shows main's explanation of the setting to check", () => {
    const misconfigured: ErrorInfo = {
      code: 'CONFIG_INVALID',
      message: 'The Management API refused the token for its audience. Check auth0TenantDomain.',
    };
    expect(detailsFailureWords(misconfigured, 'load')).toBe(`Not loaded: ${misconfigured.message}`);
  });

  it('the details browser step, declined or timed out, says the details stay closed and how to try again', () => {
    expect(accountAccessFailureWords({ code: 'LOGIN_DECLINED', message: 'declined' })).toMatch(
      /permission was not given.*Continue in browser/,
    );
    expect(accountAccessFailureWords({ code: 'LOGIN_TIMEOUT', message: 'timeout' })).toMatch(
      /in time.*Continue in browser/,
    );
    const otherPerson: ErrorInfo = {
      code: 'FORBIDDEN',
      message: 'Your browser is signed in to Auth0 as someone else than this session.',
    };
    expect(accountAccessFailureWords(otherPerson)).toBe(otherPerson.message);
  });
});
