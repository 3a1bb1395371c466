/**
 * The local provider's strict Auth0 mode (AUTH0_STRICT_BEHAVIOUR in idp/behaviour.ts; Management API
 * tokens in idp/auth0-management.ts): what goes over the wire is pinned here, so that the app's tests
 * against this mode test what Auth0 documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';
import {
  CookieJar,
  exchangeCode,
  IdpLoginError,
  loginWithFetch,
  providerUrl,
  revokeToken,
  userUrl,
} from '../../fixtures/idp-login.js';

const SESSION_SCOPE = 'openid profile email offline_access';
const MANAGEMENT_SCOPE = 'openid read:current_user update:current_user_metadata';

let idp: RunningIdp;
beforeAll(async () => {
  idp = await startIdp({ behaviour: 'auth0-strict' });
});
afterAll(() => idp?.close());

/** The session's sign-in as Latchkey sends it on Auth0: no audience, offline_access, no prompt. */
function sessionLogin(jar = new CookieJar()) {
  return loginWithFetch(idp, 'ada', { scope: SESSION_SCOPE, audience: null, prompt: '', jar });
}

/** The second authorization: the Management API audience, its scopes, no offline_access. */
function managementLogin(jar: CookieJar) {
  return loginWithFetch(idp, 'ada', { scope: MANAGEMENT_SCOPE, audience: idp.audience, prompt: '', jar });
}

function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const json = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(header), payload: json(payload) };
}

async function usersApi(token: string, init: RequestInit = {}) {
  const sub = idp.accounts.find((account) => account.login === 'ada')!.sub;
  const response = await fetch(userUrl(idp, sub), {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('strict Auth0 mode: discovery and sign-in', () => {
  it("announces a trailing-slash issuer and discovery shaped like Auth0's (mfa_challenge_endpoint; no end_session_endpoint, no revocation auth methods)", async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const document = (await (
      await fetch(providerUrl(idp, '.well-known/openid-configuration'))
    ).json()) as Record<string, unknown>;
    expect(document.issuer).toBe(idp.issuer);
    expect(document.mfa_challenge_endpoint).toBe(`${idp.issuer}mfa/challenge`);
    expect(document).not.toHaveProperty('end_session_endpoint');
    expect(document).not.toHaveProperty('revocation_endpoint_auth_methods_supported');
    expect(document.revocation_endpoint).toEqual(expect.any(String));
  });

  it('a login without audience asking offline_access (no prompt=consent) gets a refresh token, after the "Authorize App" page', async () => {
    const login = await sessionLogin();
    expect(login.formShown).toBe(true);
    expect(login.confirmationShown).toBe(true);
    const tokens = await exchangeCode(idp, login);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // The /userinfo token is opaque.
    expect(tokens.access_token.split('.')).toHaveLength(1);
  });

  it('callback URLs are compared exactly, port included', async () => {
    await expect(
      loginWithFetch(idp, 'ada', {
        scope: SESSION_SCOPE,
        audience: null,
        prompt: '',
        redirectUri: 'http://127.0.0.1:53999/callback',
      }),
    ).rejects.toMatchObject({ details: { status: 403 } });
  });

  it('a refused refresh token is 403 invalid_grant "Unknown or invalid refresh token."', async () => {
    const response = await fetch(providerUrl(idp, 'token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'not-a-token',
        client_id: idp.clientId,
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    });
  });

  it('prompt=none is refused (login_required without a browser session, interaction_required with one)', async () => {
    const none = (jar?: CookieJar) =>
      loginWithFetch(idp, 'ada', {
        scope: SESSION_SCOPE,
        audience: null,
        prompt: 'none',
        ...(jar ? { jar } : {}),
      });
    await expect(none()).rejects.toMatchObject({ details: { error: 'login_required' } });
    const signedIn = await sessionLogin();
    const error = await none(signedIn.jar).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IdpLoginError);
    expect(['interaction_required', 'consent_required']).toContain((error as IdpLoginError).details.error);
  });
});

describe('strict Auth0 mode: the Management API', () => {
  it('its token is an RS256 JWT of realistic size for the Management API audience, with no refresh token, after the consent page listing its permissions', async () => {
    const session = await sessionLogin();
    await exchangeCode(idp, session);
    const login = await managementLogin(session.jar);
    expect(login.formShown).toBe(false);
    expect(login.confirmationShown).toBe(true);
    const tokens = await exchangeCode(idp, login);
    expect(tokens.refresh_token).toBeUndefined();
    const { header, payload } = jwtParts(tokens.access_token);
    expect(header.alg).toBe('RS256');
    expect(payload.aud).toEqual([idp.audience, `${idp.issuer}userinfo`]);
    expect(payload.iss).toBe(idp.issuer);
    expect(payload.scope).toBe(MANAGEMENT_SCOPE);
    // Auth0 does not document a size; a 2048-bit RS256 JWT with these claims is ~800 characters here
    // (longer on a real tenant, whose domain appears three times and whose client ids are 32 characters).
    console.log(`strict Auth0: Management API token ${tokens.access_token.length} characters`);
    expect(tokens.access_token.length).toBeGreaterThan(700);
    const read = await usersApi(tokens.access_token);
    expect(read.status).toBe(200);
  });

  it('refuses a session token with 401 "Bad audience", an unknown one with 401 "Invalid token"', async () => {
    const tokens = await exchangeCode(idp, await sessionLogin());
    expect(await usersApi(tokens.access_token)).toEqual({
      status: 401,
      body: expect.objectContaining({
        statusCode: 401,
        error: 'Unauthorized',
        message: `Bad audience: ${idp.issuer}userinfo`,
      }),
    });
    expect((await usersApi('nonsense')).body.message).toBe('Invalid token');
  });

  it("refuses metadata keys with '.' or '$' (400); revoking the access token is a 200 that changes nothing", async () => {
    const session = await sessionLogin();
    await exchangeCode(idp, session);
    const tokens = await exchangeCode(idp, await managementLogin(session.jar));
    for (const key of ['a.b', '$set']) {
      const refused = await usersApi(tokens.access_token, {
        method: 'PATCH',
        body: JSON.stringify({ user_metadata: { [key]: 1 } }),
      });
      expect(refused.status).toBe(400);
      expect(String(refused.body.message)).toContain("must not contain '.' or '$'");
    }
    const revoked = await revokeToken(idp, tokens.access_token, 'access_token');
    expect(revoked.status).toBe(200);
    expect((await usersApi(tokens.access_token)).status).toBe(200);
  });

  it('an expired Management API token is 401 "Expired token received for JSON Web Token validation"', async () => {
    const shortLived = await startIdp({ behaviour: 'auth0-strict', accessTokenTtlSeconds: 1 });
    try {
      const session = await loginWithFetch(shortLived, 'ada', {
        scope: SESSION_SCOPE,
        audience: null,
        prompt: '',
      });
      const login = await loginWithFetch(shortLived, 'ada', {
        scope: MANAGEMENT_SCOPE,
        audience: shortLived.audience,
        prompt: '',
        jar: session.jar,
      });
      const tokens = await exchangeCode(shortLived, login);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const sub = shortLived.accounts.find((account) => account.login === 'ada')!.sub;
      const response = await fetch(userUrl(shortLived, sub), {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toBe(
        'Expired token received for JSON Web Token validation',
      );
    } finally {
      await shortLived.close();
    }
  });
});

describe('strict Auth0 mode: /v2/logout', () => {
  it('refuses a returnTo outside the Allowed Logout URLs, and a missing one', async () => {
    for (const query of [
      `client_id=${idp.clientId}`,
      `client_id=${idp.clientId}&returnTo=${encodeURIComponent('http://127.0.0.1:9/signed-out')}`,
    ]) {
      const response = await fetch(providerUrl(idp, `v2/logout?${query}`), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Allowed Logout URLs');
    }
  });

  it('with an allowed returnTo ends the browser session and sends the browser there', async () => {
    const session = await sessionLogin();
    const returnTo = 'http://127.0.0.1:53682/signed-out';
    const response = await fetch(
      providerUrl(idp, `v2/logout?client_id=${idp.clientId}&returnTo=${encodeURIComponent(returnTo)}`),
      { redirect: 'manual', headers: { cookie: session.jar.header() } },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(returnTo);
    const again = await sessionLogin(session.jar);
    expect(again.formShown).toBe(true);
  });
});
