import { describe, expect, it } from 'vitest';
import {
  auth0LogoutUrl,
  looksLikeAuth0,
  revocationSupport,
  trimProviderMetadata,
} from '../../../../main/auth/provider-metadata';

describe('looksLikeAuth0', () => {
  it('recognises tenants on auth0.com, regional or not', () => {
    expect(looksLikeAuth0({ issuer: 'https://latchkey.auth0.com/' })).toBe(true);
    expect(looksLikeAuth0({ issuer: 'https://latchkey.eu.auth0.com/' })).toBe(true);
  });

  it('recognises a custom domain by its Auth0-only mfa_challenge_endpoint on the same origin', () => {
    expect(
      looksLikeAuth0({
        issuer: 'https://login.example.com/',
        mfa_challenge_endpoint: 'https://login.example.com/mfa/challenge',
      }),
    ).toBe(true);
    expect(
      looksLikeAuth0({
        issuer: 'https://login.example.com/',
        mfa_challenge_endpoint: 'https://elsewhere.example/mfa/challenge',
      }),
    ).toBe(false);
  });

  it('does not take other providers, look-alike hosts or http for Auth0', () => {
    expect(looksLikeAuth0({ issuer: 'https://accounts.google.com' })).toBe(false);
    expect(looksLikeAuth0({ issuer: 'https://auth0.com.evil.example/' })).toBe(false);
    expect(looksLikeAuth0({ issuer: 'https://notauth0.com/' })).toBe(false);
    expect(looksLikeAuth0({ issuer: 'http://latchkey.auth0.com/' })).toBe(false);
    expect(looksLikeAuth0({ issuer: 'not a url' })).toBe(false);
  });
});

describe('auth0LogoutUrl', () => {
  it('builds https://{tenant}/v2/logout with client_id and returnTo', () => {
    const url = new URL(
      auth0LogoutUrl('https://latchkey.eu.auth0.com/', 'abc123', 'http://127.0.0.1/signed-out'),
    );
    expect(url.origin + url.pathname).toBe('https://latchkey.eu.auth0.com/v2/logout');
    expect(url.searchParams.get('client_id')).toBe('abc123');
    expect(url.searchParams.get('returnTo')).toBe('http://127.0.0.1/signed-out');
  });

  it('omits returnTo when none is given', () => {
    const url = new URL(auth0LogoutUrl('https://latchkey.auth0.com/', 'abc123'));
    expect([...url.searchParams.keys()]).toEqual(['client_id']);
  });
});

describe('revocationSupport', () => {
  const endpoint = 'https://login.example.com/revoke';

  it('reads what discovery says a public client may do (RFC 8414 §2)', () => {
    expect(revocationSupport({})).toBe('notOffered');
    expect(revocationSupport({ revocation_endpoint: endpoint })).toBe('notAdvertised');
    expect(
      revocationSupport({
        revocation_endpoint: endpoint,
        revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
      }),
    ).toBe('confidentialOnly');
    expect(
      revocationSupport({
        revocation_endpoint: endpoint,
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      }),
    ).toBe('publicClients');
  });

  it('survives the trim that saves the metadata with the session', () => {
    const trimmed = trimProviderMetadata({
      issuer: 'https://login.example.com/',
      revocation_endpoint: endpoint,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
    expect(revocationSupport(trimmed)).toBe('confidentialOnly');
  });
});
