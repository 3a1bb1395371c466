import { describe, expect, it } from 'vitest';
import {
  auth0LogoutUrl,
  discoveredEndpointProblem,
  looksLikeAuth0,
  revocationSupport,
  savedEndpointsProblem,
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

describe('discoveredEndpointProblem: every endpoint passes the one transport rule', () => {
  const loopback = {
    issuer: 'http://127.0.0.1:4400',
    authorization_endpoint: 'http://127.0.0.1:4400/auth',
    token_endpoint: 'http://127.0.0.1:4400/token',
  };

  it('accepts https endpoints on other origins (Google, Microsoft) and http endpoints on this computer', () => {
    expect(discoveredEndpointProblem(loopback)).toBeUndefined();
    expect(
      discoveredEndpointProblem({
        issuer: 'https://accounts.google.com',
        token_endpoint: 'https://oauth2.googleapis.com/token',
        userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
        jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
      }),
    ).toBeUndefined();
  });

  it.each([
    ['token_endpoint', 'http://login.example.com/token'],
    ['revocation_endpoint', 'http://10.0.0.8/revoke'],
    ['userinfo_endpoint', 'http://[::ffff:127.0.0.1]:4400/me'],
    ['end_session_endpoint', 'http://127.0.0.1.nip.io/logout'],
    ['jwks_uri', 'ftp://127.0.0.1/jwks'],
    ['authorization_endpoint', 'javascript:alert(1)'],
    ['token_endpoint', 'https://user:pw@login.example.com/token'],
    ['token_endpoint', 'not a url'],
  ])('refuses %s %s, even from an http loopback issuer', (field, value) => {
    expect(discoveredEndpointProblem({ ...loopback, [field]: value })).toContain(field);
  });
});

describe('savedEndpointsProblem: endpoints from the keychain only on the issuer origin', () => {
  const issuer = 'https://login.example.com/';
  const saved = {
    issuer,
    authorization_endpoint: 'https://login.example.com/authorize',
    token_endpoint: 'https://login.example.com/oauth/token',
    userinfo_endpoint: 'https://login.example.com/userinfo',
  };

  it('accepts a copy whose endpoints are all on the issuer origin', () => {
    expect(savedEndpointsProblem(saved, issuer)).toBeUndefined();
    expect(savedEndpointsProblem({ ...saved, issuer: 'https://login.example.com' }, issuer)).toBeUndefined();
  });

  it.each([
    ['token_endpoint', 'https://evil.example/token'],
    ['token_endpoint', 'https://login.example.com.evil.example/oauth/token'],
    ['token_endpoint', 'https://login.example.com:8443/oauth/token'],
    ['revocation_endpoint', 'http://login.example.com/oauth/revoke'],
    ['userinfo_endpoint', 'https://openidconnect.googleapis.com/v1/userinfo'],
    ['end_session_endpoint', 'https://evil.example/logout'],
    ['jwks_uri', 'https://evil.example/jwks.json'],
  ])('refuses %s %s (the discovery must confirm it)', (field, value) => {
    expect(savedEndpointsProblem({ ...saved, [field]: value }, issuer)).toContain(field);
  });

  it('refuses a copy for another issuer', () => {
    expect(savedEndpointsProblem({ ...saved, issuer: 'https://evil.example/' }, issuer)).toBeDefined();
  });
});

describe('what the trim keeps for saving with the session', () => {
  it('keeps the issuer, each endpoint given as a string, the lists Latchkey reads and the iss flag, and nothing else', () => {
    const trimmed = trimProviderMetadata({
      issuer: 'https://login.example.com/',
      authorization_endpoint: 'https://login.example.com/authorize',
      token_endpoint: 'https://login.example.com/oauth/token',
      userinfo_endpoint: 42 as unknown as string,
      code_challenge_methods_supported: ['S256', 7 as unknown as string],
      id_token_signing_alg_values_supported: ['RS256'],
      revocation_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: false,
      grant_types_supported: ['authorization_code'],
      claims_supported: ['sub'],
    });
    expect(trimmed).toEqual({
      issuer: 'https://login.example.com/',
      authorization_endpoint: 'https://login.example.com/authorize',
      token_endpoint: 'https://login.example.com/oauth/token',
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      revocation_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: false,
    });
  });

  it('leaves out a list or flag the document does not give as such', () => {
    expect(
      trimProviderMetadata({
        issuer: 'https://login.example.com/',
        code_challenge_methods_supported: 'S256' as unknown as string[],
        authorization_response_iss_parameter_supported: 'true' as unknown as boolean,
      }),
    ).toEqual({ issuer: 'https://login.example.com/' });
  });
});

describe('the edges of the endpoint and provider rules', () => {
  it('refuses saved endpoints that carry a user name or a password, even on the issuer origin', () => {
    const issuer = 'https://login.example.com/';
    for (const token_endpoint of [
      'https://ada:pw@login.example.com/oauth/token',
      'https://ada@login.example.com/oauth/token',
      'https://:pw@login.example.com/oauth/token',
    ]) {
      expect(savedEndpointsProblem({ issuer, token_endpoint }, issuer)).toBe(
        'token_endpoint carries a user name or password',
      );
      expect(discoveredEndpointProblem({ issuer, token_endpoint })).toBe(
        'token_endpoint carries a user name or password',
      );
    }
  });

  it('takes an empty or non-text revocation endpoint as none offered', () => {
    expect(revocationSupport({ revocation_endpoint: '' })).toBe('notOffered');
    expect(
      revocationSupport({ revocation_endpoint: 42, revocation_endpoint_auth_methods_supported: ['none'] }),
    ).toBe('notOffered');
    expect(
      revocationSupport({
        revocation_endpoint: 'https://login.example.com/revoke',
        revocation_endpoint_auth_methods_supported: 'none',
      }),
    ).toBe('notAdvertised');
  });

  it('recognises an Auth0 custom domain only by a text mfa_challenge_endpoint at exactly /mfa/challenge', () => {
    const issuer = 'https://login.example.com/';
    expect(
      looksLikeAuth0({ issuer, mfa_challenge_endpoint: 'https://login.example.com/mfa/challenge/x' }),
    ).toBe(false);
    expect(looksLikeAuth0({ issuer, mfa_challenge_endpoint: 'https://login.example.com/mfa' })).toBe(false);
    // JSON could carry it as a list, whose text is the same address: still not the field Auth0 sends.
    expect(
      looksLikeAuth0({ issuer, mfa_challenge_endpoint: ['https://login.example.com/mfa/challenge'] }),
    ).toBe(false);
    expect(looksLikeAuth0({ issuer, mfa_challenge_endpoint: 'not a url' })).toBe(false);
    expect(looksLikeAuth0({ issuer })).toBe(false);
  });
});
