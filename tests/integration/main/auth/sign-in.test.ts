import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { AuthClient, SignInResult } from '../../../../main/auth/types';
import {
  completeProviderLogin,
  openExternalWithBrowser,
  type LoopbackLanding,
} from '../../../fixtures/browser';
import { resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { codeOf } from '../../../fixtures/rejections';
import { settingsFor, tokenRequests } from '../../../fixtures/provider-settings';

const suite = useLocalProvider({ browser: true });
let ada: DemoAccount;

beforeAll(() => {
  ada = resolveAccount(suite.idp, 'ada');
});

describe('signIn through the system browser', () => {
  it('exchanges the code with PKCE, state and nonce, then reads userinfo for the ID token subject', async () => {
    const clock = 1_800_000_000_000;
    const client = createAuthClient(settingsFor(suite.idp), { now: () => clock });
    const openExternal = openExternalWithBrowser(suite.browser, ada);
    const shownUrls: string[] = [];
    const before = tokenRequests(suite.idp);

    const result = await client.signIn({ openExternal, onAuthorizationUrl: (url) => shownUrls.push(url) });

    expect(result.subject).toBe(ada.sub);
    expect(result.claims).toMatchObject({ sub: ada.sub, email: ada.email, name: ada.name });
    expect(result.tokens.accessToken).toEqual(expect.any(String));
    expect(result.tokens.refreshToken).toEqual(expect.any(String));
    expect(result.tokens.idToken?.split('.')).toHaveLength(3);
    expect(result.tokens.tokenType).toBe('bearer');
    expect(result.tokens.scope?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'read:current_user']),
    );
    expect(result.tokens.expiresAt).toBe(clock + 3600 * 1000);
    expect(tokenRequests(suite.idp) - before).toBe(1);

    // The authorization request (RFC 7636 §4.3, RFC 8252 §7.3, Auth0's audience).
    expect(shownUrls).toHaveLength(1);
    const request = new URL(shownUrls[0]!);
    expect(openExternal.openedUrls).toEqual(shownUrls);
    expect(request.origin + request.pathname).toBe(`${suite.idp.issuer}/auth`);
    const params = request.searchParams;
    expect(params.get('client_id')).toBe(suite.idp.clientId);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(params.get('audience')).toBe(suite.idp.audience);
    expect(params.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(params.has('client_secret')).toBe(false);

    // The tab shows the success page, served without caching or referrer, scripts or external loads.
    const landing = await openExternal.lastLogin();
    expect(landing.status).toBe(200);
    expect(landing.title).toBe("You're signed in — return to Latchkey");
    expect(landing.headers['cache-control']).toBe('no-store');
    expect(landing.headers['referrer-policy']).toBe('no-referrer');
    expect(landing.headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'/,
    );

    // The receiver is closed once the attempt is over.
    await expect(fetch(params.get('redirect_uri')!)).rejects.toThrow(TypeError);
    await openExternal.close();
  });

  it('uses a fresh state, nonce, PKCE verifier and port for every attempt', async () => {
    const client = createAuthClient(settingsFor(suite.idp));
    const openExternal = openExternalWithBrowser(suite.browser, ada);
    await client.signIn({ openExternal });
    // The second attempt finds the provider's browser session: no form, straight back (SSO).
    await client.signIn({ openExternal });
    const [first, second] = openExternal.openedUrls.map((url) => new URL(url).searchParams);
    for (const name of ['state', 'nonce', 'code_challenge', 'redirect_uri']) {
      expect(first!.get(name), name).not.toBe(second!.get(name));
    }
    await openExternal.close();
  });
});

describe('after sign-in', () => {
  let client: AuthClient;
  let signedIn: SignInResult;

  beforeAll(async () => {
    client = createAuthClient(settingsFor(suite.idp));
    const openExternal = openExternalWithBrowser(suite.browser, ada, { freshContextPerLogin: true });
    signedIn = await client.signIn({ openExternal });
    await openExternal.close();
  });

  it('refresh rotates the refresh token, and the old one is then refused with SESSION_EXPIRED', async () => {
    const session = await client.signIn({ openExternal: openExternalWithBrowser(suite.browser, ada) });
    const renewed = await client.refresh(session.tokens.refreshToken!);
    expect(renewed.accessToken).not.toBe(session.tokens.accessToken);
    expect(renewed.refreshToken).toEqual(expect.any(String));
    expect(renewed.refreshToken).not.toBe(session.tokens.refreshToken);
    await expect(client.userinfo(renewed.accessToken, session.subject)).resolves.toMatchObject({
      sub: ada.sub,
    });

    expect(await codeOf(client.refresh(session.tokens.refreshToken!))).toBe('SESSION_EXPIRED');
  });

  it('revoking the refresh token makes the provider refuse it (SESSION_EXPIRED)', async () => {
    const session = await client.signIn({ openExternal: openExternalWithBrowser(suite.browser, ada) });
    expect(await client.revokeGrant(session.tokens)).toEqual({ revoked: true });
    expect(await codeOf(client.refresh(session.tokens.refreshToken!))).toBe('SESSION_EXPIRED');
  });

  it('revoking the access token makes userinfo refuse it (ACCESS_TOKEN_REJECTED)', async () => {
    await expect(client.userinfo(signedIn.tokens.accessToken, signedIn.subject)).resolves.toMatchObject({
      sub: ada.sub,
    });
    // With no refresh token in hand, the grant is revoked through its access token.
    expect(await client.revokeGrant({ accessToken: signedIn.tokens.accessToken })).toEqual({ revoked: true });
    expect(await codeOf(client.userinfo(signedIn.tokens.accessToken, signedIn.subject))).toBe(
      'ACCESS_TOKEN_REJECTED',
    );
  });

  it('endSessionUrl points at the provider end_session_endpoint with id_token_hint, client_id and post_logout_redirect_uri', async () => {
    const url = new URL(
      await client.endSessionUrl({
        idTokenHint: signedIn.tokens.idToken,
        postLogoutRedirectUri: 'http://127.0.0.1/signed-out',
      }),
    );
    expect(url.origin + url.pathname).toBe(`${suite.idp.issuer}/session/end`);
    expect(url.searchParams.get('id_token_hint')).toBe(signedIn.tokens.idToken);
    expect(url.searchParams.get('client_id')).toBe(suite.idp.clientId);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1/signed-out');
  });

  it('endSessionUrl ends the provider browser session: the next sign-in shows the login form again', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    let landing: Promise<LoopbackLanding> | undefined;
    const openInThisBrowser = async (url: string) => {
      landing = completeProviderLogin(page, url, ada);
    };
    const session = await client.signIn({ openExternal: openInThisBrowser });
    expect((await landing!).formShown).toBe(true);

    // While the provider session lives, the next attempt skips the form (SSO)...
    await client.signIn({ openExternal: openInThisBrowser });
    expect((await landing!).formShown).toBe(false);

    // ...and once RP-initiated logout ended it, the login form is back.
    await page.goto(await client.endSessionUrl({ idTokenHint: session.tokens.idToken }), {
      waitUntil: 'load',
    });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/You are signed out/);

    await client.signIn({ openExternal: openInThisBrowser });
    expect((await landing!).formShown).toBe(true);
    await context.close();
  });
});
