import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';
import {
  CookieJar,
  IdpLoginError,
  exchangeCode,
  loginWithFetch,
  obtainTokens,
} from '../../fixtures/idp-login.js';

const REDIRECT = 'http://127.0.0.1:49152/callback';

async function get(url: string, jar: CookieJar): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(response);
  return response;
}

async function post(url: string, jar: CookieJar, form: Record<string, string>): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  jar.store(response);
  return response;
}

function location(response: Response, base: string): URL {
  const value = response.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got HTTP ${response.status}`);
  return new URL(value, base);
}

describe('local provider: signing in', () => {
  let idp: RunningIdp;
  let config: client.Configuration;

  beforeAll(async () => {
    idp = await startIdp();
    config = await client.discovery(
      new URL(idp.issuer),
      idp.clientId,
      { token_endpoint_auth_method: 'none' },
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
  });
  afterAll(async () => {
    await idp.close();
  });

  async function startAuthorization(extra: Record<string, string> = {}) {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile email offline_access read:current_user update:current_user_metadata',
      // OIDC Core §11: offline_access is granted only with prompt=consent (what the app sends).
      prompt: 'consent',
      audience: idp.audience,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    return { url, codeVerifier, state, nonce };
  }

  it('completes the whole flow through the real form, verified by openid-client', async () => {
    const jar = new CookieJar();
    const { url, codeVerifier, state, nonce } = await startAuthorization();

    const toInteraction = await get(url.href, jar);
    expect(toInteraction.status).toBe(303);
    const interactionUrl = location(toInteraction, idp.issuer);
    expect(interactionUrl.pathname).toMatch(/^\/interaction\/[\w-]+$/);

    const page = await get(interactionUrl.href, jar);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<label for="login">');
    expect(html).toContain('<label for="password">');
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).not.toMatch(/fonts\.googleapis|<script/);

    const submitted = await post(`${interactionUrl.href}/login`, jar, {
      login: 'ada',
      password: 'lovelace-demo',
    });
    expect(submitted.status).toBe(303);
    const resumed = await get(location(submitted, idp.issuer).href, jar);
    const callback = location(resumed, idp.issuer);
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.sub).toBe('local|ada');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ').sort()).toEqual(
      [
        'email',
        'offline_access',
        'openid',
        'profile',
        'read:current_user',
        'update:current_user_metadata',
      ].sort(),
    );
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'local|ada');
    expect(userinfo.email).toBe('ada@latchkey.example');
  });

  it('takes four requests from the authorization URL to the callback', async () => {
    const before = idp.requestLog.length;
    await loginWithFetch(idp, 'grace');
    const paths = idp.requestLog
      .slice(before)
      .map(
        ({ method, path }) =>
          `${method} ${path.replace(/\/interaction\/[^/]+/, '/interaction/:uid').replace(/\/auth\/.+/, '/auth/:uid')}`,
      );
    expect(paths).toEqual([
      'GET /auth',
      'GET /interaction/:uid',
      'POST /interaction/:uid/login',
      'GET /auth/:uid',
    ]);
  });

  it('rejects a wrong password on the form, keeps the login, and accepts the right one after', async () => {
    const jar = new CookieJar();
    const { url } = await startAuthorization();
    const interactionUrl = location(await get(url.href, jar), idp.issuer);
    await (await get(interactionUrl.href, jar)).text();

    const wrong = await post(`${interactionUrl.href}/login`, jar, {
      login: 'ada',
      password: 'not-her-password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('location')).toBeNull();
    const html = await wrong.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Wrong login or password.');
    expect(html).toContain('value="ada"');

    const right = await post(`${interactionUrl.href}/login`, jar, {
      login: 'ada',
      password: 'lovelace-demo',
    });
    expect(right.status).toBe(303);
  });

  it('rejects an unknown login and a password belonging to another account', async () => {
    await expect(loginWithFetch(idp, 'ada', { password: 'hopper-demo' })).rejects.toMatchObject({
      details: { status: 401 },
    });
    const jar = new CookieJar();
    const { url } = await startAuthorization();
    const interactionUrl = location(await get(url.href, jar), idp.issuer);
    const unknown = await post(`${interactionUrl.href}/login`, jar, {
      login: 'mallory',
      password: 'lovelace-demo',
    });
    expect(unknown.status).toBe(401);
  });

  it('sends access_denied to the app when the person presses Cancel', async () => {
    const jar = new CookieJar();
    const { url, state } = await startAuthorization();
    const interactionUrl = location(await get(url.href, jar), idp.issuer);
    const html = await (await get(interactionUrl.href, jar)).text();
    expect(html).toContain('>Cancel</button>');
    const aborted = await post(`${interactionUrl.href}/abort`, jar, {});
    const callback = location(await get(location(aborted, idp.issuer).href, jar), idp.issuer);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(state);
  });

  it('shows an error page, not a redirect, for an interaction without its cookie', async () => {
    const { url } = await startAuthorization();
    const interactionUrl = location(await get(url.href, new CookieJar()), idp.issuer);
    const response = await get(interactionUrl.href, new CookieJar());
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('expired');
  });

  it('accepts the loopback redirect on any port (RFC 8252 §7.3) but not localhost or another path', async () => {
    await expect(
      loginWithFetch(idp, 'ada', { redirectUri: 'http://127.0.0.1:1234/callback' }),
    ).resolves.toMatchObject({ code: expect.any(String) });
    for (const redirectUri of ['http://localhost:1234/callback', 'http://127.0.0.1:1234/other']) {
      const error = await loginWithFetch(idp, 'ada', { redirectUri }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IdpLoginError);
      expect((error as IdpLoginError).details.status).toBe(400);
      expect((error as IdpLoginError).details.html).toContain('redirect_uri');
    }
  });

  it('requires PKCE with S256', async () => {
    const jar = new CookieJar();
    const { url } = await startAuthorization();
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const withoutPkce = location(await get(url.href, jar), idp.issuer);
    expect(withoutPkce.searchParams.get('error')).toBe('invalid_request');
    expect(withoutPkce.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = await startAuthorization({ code_challenge_method: 'plain' });
    const withPlain = location(await get(plain.url.href, jar), idp.issuer);
    expect(withPlain.searchParams.get('error')).toBe('invalid_request');
  });

  it('rejects a code exchanged with the wrong verifier', async () => {
    const login = await loginWithFetch(idp, 'ada');
    await expect(
      exchangeCode(idp, { ...login, codeVerifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({
      details: { error: 'invalid_grant' },
    });
  });

  it('grants offline_access (and a refresh token) only with prompt=consent, as OIDC Core §11 says', async () => {
    const consented = await obtainTokens(idp, 'ada', { prompt: 'consent' });
    expect(consented.scope.split(' ')).toContain('offline_access');
    expect(consented.refresh_token).toBeTruthy();
    const jar = consented.login.jar;
    const again = await obtainTokens(idp, 'ada', { jar, prompt: 'login consent' });
    expect(again.login.formShown).toBe(true);
    expect(again.refresh_token).toBeTruthy();

    // oidc-provider's standard behaviour: dropped from the request, so not granted, and no refresh token.
    for (const prompt of ['', 'login']) {
      const unconsented = await obtainTokens(idp, 'ada', { prompt });
      expect(unconsented.scope.split(' ')).not.toContain('offline_access');
      expect(unconsented.refresh_token).toBeUndefined();
    }
    const none = await obtainTokens(idp, 'ada', { scope: 'openid profile' });
    expect(none.refresh_token).toBeUndefined();
  });

  it('reuses the browser session (no form) unless prompt=login or max_age demands a fresh login', async () => {
    const first = await loginWithFetch(idp, 'alan');
    expect(first.formShown).toBe(true);
    const sso = await loginWithFetch(idp, 'alan', { jar: first.jar });
    expect(sso.formShown).toBe(false);
    const forced = await loginWithFetch(idp, 'alan', { jar: first.jar, prompt: 'login' });
    expect(forced.formShown).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const aged = await obtainTokens(idp, 'alan', { jar: first.jar, maxAge: 0 });
    expect(aged.login.formShown).toBe(true);
    const idToken = JSON.parse(Buffer.from(aged.id_token!.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(typeof idToken.auth_time).toBe('number');
  });

  it('drops the users-API scopes when no audience is asked for, as Auth0 does', async () => {
    const tokens = await obtainTokens(idp, 'ada', { audience: null });
    expect(tokens.scope.split(' ')).not.toContain('read:current_user');
    expect(tokens.scope.split(' ')).toContain('offline_access');
  });

  it('refuses an unknown audience with access_denied', async () => {
    const error = await loginWithFetch(idp, 'ada', { audience: 'https://api.example/' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IdpLoginError);
    expect((error as IdpLoginError).details).toMatchObject({
      error: 'access_denied',
      errorDescription: 'Service not found: https://api.example/',
    });
  });

  it('ends the browser session through RP-initiated logout and returns to a loopback page on any port', async () => {
    const tokens = await obtainTokens(idp, 'grace');
    const jar = tokens.login.jar;
    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:50123/signed-out',
      state: 'bye',
    });
    const page = await get(endSession.href, jar);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('>Sign out</button>');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /action="([^"]+)"/.exec(html)?.[1];
    expect(xsrf && action).toBeTruthy();
    const confirmed = await post(new URL(action!, idp.issuer).href, jar, { xsrf: xsrf!, logout: 'yes' });
    const back = location(confirmed, idp.issuer);
    expect(back.href).toBe('http://127.0.0.1:50123/signed-out?state=bye');

    const next = await loginWithFetch(idp, 'grace', { jar });
    expect(next.formShown).toBe(true);
  });
});

describe('local provider: a sign-in its browser session would finish asks the person first', () => {
  // Another program on this computer knows the client id and can pick a loopback port of its own: it
  // opens the person's browser at an authorization URL naming that port, with its own PKCE pair.
  let idp: RunningIdp;
  beforeAll(async () => {
    idp = await startIdp();
  });
  afterAll(() => idp.close());

  const OTHER_PROGRAM = 'http://127.0.0.1:61000/callback';

  it('shows a confirmation page instead of sending a code to another program (Auth0: every transaction)', async () => {
    const person = await loginWithFetch(idp, 'ada');
    expect(person.formShown).toBe(true);
    expect(person.confirmationShown).toBe(false);

    // The program's authorization request, answered by the person's browser session.
    const error = await loginWithFetch(idp, 'ada', {
      jar: person.jar,
      redirectUri: OTHER_PROGRAM,
      confirm: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdpLoginError);
    const html = (error as IdpLoginError).details.html ?? '';
    expect((error as IdpLoginError).details.status).toBe(200);
    expect(html).toContain('Authorize Latchkey');
    expect(html).toContain('Ada Lovelace');
    // The page names where the code would go, so a person can notice a stranger's port.
    expect(html).toContain(OTHER_PROGRAM);
    expect(html).not.toMatch(/[?&]code=/);
  });

  it('asks again for the same port and the same client: nothing is remembered silently', async () => {
    const first = await loginWithFetch(idp, 'grace', { redirectUri: REDIRECT });
    const again = await loginWithFetch(idp, 'grace', { jar: first.jar, redirectUri: REDIRECT });
    expect(again).toMatchObject({ formShown: false, confirmationShown: true });
    const thrice = await loginWithFetch(idp, 'grace', { jar: first.jar, redirectUri: REDIRECT });
    expect(thrice.confirmationShown).toBe(true);
  });

  it('Accept issues the code; Decline answers access_denied', async () => {
    const person = await loginWithFetch(idp, 'alan');
    const accepted = await loginWithFetch(idp, 'alan', { jar: person.jar });
    expect(accepted.confirmationShown).toBe(true);
    expect(await exchangeCode(idp, accepted)).toMatchObject({ access_token: expect.any(String) });

    const start = await get(
      `${idp.issuer}/auth?${new URLSearchParams({
        client_id: idp.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT,
        state: 'declined-state',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
      person.jar,
    );
    const interaction = location(start, idp.issuer);
    const page = await (await get(interaction.href, person.jar)).text();
    expect(page).toContain('Decline');
    const declined = await post(`${interaction.href}/abort`, person.jar, {});
    const callback = location(await get(location(declined, idp.issuer).href, person.jar), idp.issuer);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
  });
});
