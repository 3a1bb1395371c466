/**
 * The local provider's strict behaviours (idp/behaviour.ts), each imitating a pattern of real
 * providers: what goes over the wire (status, body, content type, discovery fields) is pinned here,
 * so that the app's tests against these modes test what those providers do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type ProviderBehaviour, type RunningIdp } from '../../../idp/index.js';
import type { CookieJar } from '../../fixtures/idp-login.js';
import {
  IdpLoginError,
  loginWithFetch,
  obtainTokens,
  refreshTokens,
  revokeToken,
} from '../../fixtures/idp-login.js';

function withProvider(behaviour: Partial<ProviderBehaviour>): { readonly idp: RunningIdp } {
  let idp: RunningIdp | undefined;
  beforeAll(async () => {
    idp = await startIdp({ behaviour });
  });
  afterAll(async () => {
    await idp?.close();
  });
  return {
    get idp() {
      if (!idp) throw new Error('the provider starts in beforeAll');
      return idp;
    },
  };
}

/** A refresh as any client sends it; the answer exactly as it came. */
async function rawRefresh(idp: RunningIdp, refreshToken: string) {
  const response = await fetch(`${idp.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: idp.clientId,
    }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

async function discovery(idp: RunningIdp): Promise<Record<string, unknown>> {
  return (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
}

/** RP-initiated logout in the browser session of `jar`, confirmed on the provider's page. */
async function logOutOfProvider(idp: RunningIdp, jar: CookieJar): Promise<void> {
  const page = await fetch(`${idp.issuer}/session/end?client_id=${idp.clientId}`, {
    headers: { cookie: jar.header() },
  });
  jar.store(page);
  const html = await page.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  const action = /action="([^"]+)"/.exec(html)?.[1];
  if (!xsrf || !action) throw new Error('no logout form');
  const confirmed = await fetch(new URL(action, idp.issuer), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  jar.store(confirmed);
  expect(confirmed.status).toBe(303);
}

describe('standard (the default)', () => {
  const suite = withProvider({});

  it('answers a refused refresh token with 400 invalid_grant in JSON (RFC 6749 §5.2)', async () => {
    const answer = await rawRefresh(suite.idp, 'not-a-refresh-token');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps a refresh token granted with consent alive through a logout at the provider', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada', { prompt: 'consent' });
    await logOutOfProvider(suite.idp, tokens.login.jar);
    const renewed = await refreshTokens(suite.idp, tokens.refresh_token!);
    expect(renewed.access_token).toEqual(expect.any(String));
  });

  it('advertises public-client revocation and revokes with the client id alone', async () => {
    const doc = await discovery(suite.idp);
    expect(doc.revocation_endpoint).toBe(`${suite.idp.issuer}/token/revocation`);
    expect(doc).not.toHaveProperty('revocation_endpoint_auth_methods_supported');
    const tokens = await obtainTokens(suite.idp, 'grace');
    expect((await revokeToken(suite.idp, tokens.refresh_token!, 'refresh_token')).status).toBe(200);
    expect((await rawRefresh(suite.idp, tokens.refresh_token!)).status).toBe(400);
  });
});

describe('redirectUris: exact', () => {
  const registered = 'http://127.0.0.1:53682/callback';
  const suite = withProvider({ redirectUris: 'exact', exactRedirectUris: [registered] });

  it('signs in through the registered URI, and answers any other port with a bare 403', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada', { redirectUri: registered });
    expect(tokens.access_token).toEqual(expect.any(String));

    const error = await loginWithFetch(suite.idp, 'ada', {
      redirectUri: 'http://127.0.0.1:53683/callback',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdpLoginError);
    expect((error as IdpLoginError).details).toMatchObject({ status: 403, html: '' });
  });
});

describe('refreshRefusal: bare-400', () => {
  const suite = withProvider({ refreshRefusal: 'bare-400' });

  it('answers a revoked, rotated-away or unknown refresh token with 400 and no body at all', async () => {
    const revoked = await obtainTokens(suite.idp, 'ada');
    await revokeToken(suite.idp, revoked.refresh_token!, 'refresh_token');
    const rotated = await obtainTokens(suite.idp, 'grace');
    await refreshTokens(suite.idp, rotated.refresh_token!);
    for (const token of [revoked.refresh_token!, rotated.refresh_token!, 'unknown']) {
      expect(await rawRefresh(suite.idp, token)).toEqual({ status: 400, contentType: null, body: '' });
    }
  });

  it('still renews a valid refresh token', async () => {
    const tokens = await obtainTokens(suite.idp, 'alan');
    expect((await refreshTokens(suite.idp, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });
});

describe('refreshRefusal: invalid_request', () => {
  const suite = withProvider({ refreshRefusal: 'invalid_request' });

  it('answers a refused refresh token with 400 {"error":"invalid_request"} and no description', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada');
    await suite.idp.revokeAllGrantsFor('local|ada'); // deleted at the provider
    const answer = await rawRefresh(suite.idp, tokens.refresh_token!);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request' });
  });
});

describe('revocation: none', () => {
  const suite = withProvider({ revocation: 'none' });

  it('advertises no revocation endpoint and answers its path with 404', async () => {
    expect(await discovery(suite.idp)).not.toHaveProperty('revocation_endpoint');
    expect((await revokeToken(suite.idp, 'anything', 'refresh_token')).status).toBe(404);
  });
});

describe('revocation: confidential-only', () => {
  const suite = withProvider({ revocation: 'confidential-only' });

  it('advertises client_secret_basic only, and refuses a public client with an empty 401; the token lives on', async () => {
    const doc = await discovery(suite.idp);
    expect(doc.revocation_endpoint).toBe(`${suite.idp.issuer}/token/revocation`);
    expect(doc.revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);

    const tokens = await obtainTokens(suite.idp, 'ada');
    const response = await revokeToken(suite.idp, tokens.refresh_token!, 'refresh_token');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBeNull();
    expect(await response.text()).toBe('');
    expect((await refreshTokens(suite.idp, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });
});

describe('consent: partial-allowed', () => {
  const suite = withProvider({ consent: 'partial-allowed' });

  it('shows a consent page and grants only what was left ticked', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada', {
      refuseScopes: ['profile', 'email', 'offline_access'],
    });
    expect(tokens.login.consentShown).toBe(true);
    expect(tokens.scope.split(' ').sort()).toEqual(
      ['openid', 'read:current_user', 'update:current_user_metadata'].sort(),
    );
    expect(tokens.refresh_token).toBeUndefined();
    const claims = (await (
      await fetch(`${suite.idp.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as Record<string, unknown>;
    expect(claims).toEqual({ sub: 'local|ada' });
  });

  it('cannot refuse openid, and grants everything when nothing is unticked', async () => {
    const tokens = await obtainTokens(suite.idp, 'grace', { refuseScopes: ['openid'] });
    expect(tokens.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'email']));
    expect(tokens.refresh_token).toBeTruthy();
  });
});

describe('offlineAccess: auth0', () => {
  const suite = withProvider({ offlineAccess: 'auth0' });

  it('grants offline_access and a refresh token without prompt=consent, as Auth0 documents', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada', { prompt: '' });
    expect(tokens.scope.split(' ')).toContain('offline_access');
    expect(tokens.refresh_token).toBeTruthy();
  });
});

describe('offlineAccess: session-bound', () => {
  const suite = withProvider({ offlineAccess: 'session-bound' });

  it('without consent issues a refresh token that dies with the browser session at the provider', async () => {
    const tokens = await obtainTokens(suite.idp, 'ada', { prompt: '' });
    expect(tokens.scope.split(' ')).not.toContain('offline_access');
    expect(tokens.refresh_token).toBeTruthy();
    const renewed = await refreshTokens(suite.idp, tokens.refresh_token!);
    await logOutOfProvider(suite.idp, tokens.login.jar);
    const answer = await rawRefresh(suite.idp, renewed.refresh_token!);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_grant' });
  });

  it('with prompt=consent grants offline_access, and that refresh token survives the logout', async () => {
    const tokens = await obtainTokens(suite.idp, 'grace', { prompt: 'consent' });
    expect(tokens.scope.split(' ')).toContain('offline_access');
    await logOutOfProvider(suite.idp, tokens.login.jar);
    expect((await refreshTokens(suite.idp, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });
});
