import { describe, expect, it } from 'vitest';
import { createAuthClient, ASSUMED_LIFETIME_SECONDS, toTokenSet } from '../../../../main/auth/client';
import type { ProviderSettings, ProviderMetadata } from '../../../../main/auth/types';
import { codeOf } from '../../../fixtures/rejections';

const base: ProviderSettings = {
  issuer: 'https://latchkey.eu.auth0.com/',
  clientId: 'abc123',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
};

describe('createAuthClient with unusable settings', () => {
  // No request is made in these cases: a fetch that fails the test if called proves it.
  const noNetwork: typeof fetch = async () => {
    throw new Error('no request may be made for invalid settings');
  };

  it('refuses a plain-http issuer that is not on loopback (CONFIG_INVALID) before any request', async () => {
    const client = createAuthClient({ ...base, issuer: 'http://login.example.com' }, { fetch: noNetwork });
    expect(await codeOf(client.discover())).toBe('CONFIG_INVALID');
  });

  it('refuses an empty client id (CONFIG_INVALID)', async () => {
    const client = createAuthClient({ ...base, clientId: '  ' }, { fetch: noNetwork });
    expect(await codeOf(client.discover())).toBe('CONFIG_INVALID');
  });

  it('does not open the browser when the settings are invalid', async () => {
    const opened: string[] = [];
    const client = createAuthClient({ ...base, issuer: 'http://10.0.0.5:4400' }, { fetch: noNetwork });
    expect(await codeOf(client.signIn({ openExternal: async (url) => void opened.push(url) }))).toBe(
      'CONFIG_INVALID',
    );
    expect(opened).toEqual([]);
  });

  it('keeps the settings it was given', () => {
    expect(createAuthClient(base).settings).toBe(base);
  });
});

const NOW = 1_700_000_000_000;

describe('toTokenSet', () => {
  it('computes expiresAt from expires_in and keeps every token the provider sent', () => {
    expect(
      toTokenSet(
        {
          access_token: 'at',
          token_type: 'bearer',
          expires_in: 60,
          refresh_token: 'rt2',
          id_token: 'idt',
          scope: 'openid',
        },
        NOW,
      ),
    ).toEqual({
      accessToken: 'at',
      refreshToken: 'rt2',
      idToken: 'idt',
      expiresAt: NOW + 60_000,
      scope: 'openid',
      tokenType: 'bearer',
    });
  });

  it('has no refresh token when the provider sent none (what a refresh keeps is the session record)', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer', expires_in: 60 }, NOW)).not.toHaveProperty(
      'refreshToken',
    );
  });

  it('assumes a short lifetime when expires_in is missing', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer' }, NOW).expiresAt).toBe(
      NOW + ASSUMED_LIFETIME_SECONDS * 1000,
    );
  });
});

/**
 * Saved metadata (AuthClient.useSavedMetadata) follows the same transport rule as discovery
 * (RFC 9700 §2.6, RFC 8252 §8.3) and must be on the issuer's origin: a saved copy that breaks either
 * is not used, and the provider's own discovery decides instead. Its endpoints are never called.
 */

const settings: ProviderSettings = {
  issuer: 'https://login.example.com/',
  clientId: 'abc123',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
};

const requests: string[] = [];
// Records instead of reaching the network: no provider answers in a unit test.
const recordingFetch: typeof fetch = async (input) => {
  requests.push(String(input));
  throw new TypeError('fetch failed');
};

describe('saved metadata transport rules', () => {
  it('never calls plain-http saved endpoints of an https issuer: discovery at the issuer runs instead', async () => {
    requests.length = 0;
    const saved: ProviderMetadata = {
      issuer: settings.issuer,
      token_endpoint: 'http://login.example.com/oauth/token',
      userinfo_endpoint: 'http://login.example.com/userinfo',
    };
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata(saved);
    expect(client.knownMetadata()).toBeNull();
    expect(await codeOf(client.userinfo('access', 'sub'))).toBe('NETWORK');
    expect(requests).toEqual(['https://login.example.com/.well-known/openid-configuration']);
  });

  it('ignores saved metadata that names another issuer', () => {
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({ issuer: 'https://elsewhere.example.com/', token_endpoint: 'https://x/t' });
    expect(client.knownMetadata()).toBeNull();
  });
});

describe('the authorization request', () => {
  const saved: ProviderMetadata = {
    issuer: settings.issuer,
    authorization_endpoint: 'https://login.example.com/authorize',
    token_endpoint: 'https://login.example.com/token',
  };

  /** The authorization URL a sign-in builds (on saved metadata: no request), then the attempt is cancelled. */
  async function authorizationUrl(
    overrides: Partial<ProviderSettings>,
    options: { chooseAccount?: boolean; metadata?: Partial<ProviderMetadata> } = {},
  ): Promise<URL> {
    const client = createAuthClient({ ...settings, ...overrides }, { fetch: recordingFetch });
    client.useSavedMetadata({ ...saved, ...options.metadata });
    const controller = new AbortController();
    let url = '';
    const attempt = client.signIn({
      openExternal: async () => undefined,
      onAuthorizationUrl: (built) => {
        url = built;
        controller.abort();
      },
      signal: controller.signal,
      chooseAccount: options.chooseAccount,
    });
    expect(await codeOf(attempt)).toBe('LOGIN_CANCELLED');
    return new URL(url);
  }

  it('"Use a different account" asks for select_account where discovery lists it, else login; with consent, space-separated (OIDC Core §3.1.2.1)', async () => {
    const offline = ['openid', 'offline_access'];
    const listed = { prompt_values_supported: ['none', 'login', 'consent', 'select_account'] };
    const prompt = async (
      scopes: string[],
      metadata?: Partial<ProviderMetadata>,
      offlineAccessPrompt = true,
    ) =>
      (
        await authorizationUrl({ scopes, offlineAccessPrompt }, { chooseAccount: true, metadata })
      ).searchParams.get('prompt');
    expect(await prompt(offline, listed)).toBe('select_account consent');
    expect(await prompt(offline)).toBe('login consent');
    expect(await prompt(offline, { prompt_values_supported: ['none', 'login', 'consent'] })).toBe(
      'login consent',
    );
    expect(await prompt(['openid'], listed)).toBe('select_account');
    expect(await prompt(offline, undefined, false)).toBe('login');
  });

  it('asks for offline_access with prompt=consent (OIDC Core §11), unless turned off or not asked for', async () => {
    const offline = ['openid', 'offline_access'];
    expect((await authorizationUrl({ scopes: offline })).searchParams.get('prompt')).toBe('consent');
    expect(
      (await authorizationUrl({ scopes: offline, offlineAccessPrompt: true })).searchParams.get('prompt'),
    ).toBe('consent');
    expect(
      (await authorizationUrl({ scopes: offline, offlineAccessPrompt: false })).searchParams.has('prompt'),
    ).toBe(false);
    expect((await authorizationUrl({ scopes: ['openid'] })).searchParams.has('prompt')).toBe(false);
  });
});

describe('revokeGrant', () => {
  it('sends nothing where discovery admits only confidential clients, and says so; never throws', async () => {
    requests.length = 0;
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({
      issuer: settings.issuer,
      revocation_endpoint: 'https://login.example.com/revoke',
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    });
    expect(await client.revokeGrant({ accessToken: 'at', refreshToken: 'rt' })).toEqual({
      revoked: false,
      reason: 'publicClientsNotAllowed',
    });
    expect(requests).toEqual([]);
  });

  it('returns a failure it met as a coded error instead of throwing it', async () => {
    requests.length = 0;
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({
      issuer: settings.issuer,
      revocation_endpoint: 'https://login.example.com/revoke',
    });
    const outcome = await client.revokeGrant({ accessToken: 'at', refreshToken: 'rt' });
    expect(outcome).toMatchObject({ revoked: false, reason: 'failed' });
    expect(requests).toEqual(['https://login.example.com/revoke']);
  });
});
