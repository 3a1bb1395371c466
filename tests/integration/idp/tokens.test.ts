import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';
import {
  loginWithFetch,
  obtainTokens,
  refreshTokens,
  revokeToken,
  userUrl,
} from '../../fixtures/idp-login.js';

function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

describe('local provider: tokens', () => {
  let idp: RunningIdp;
  beforeAll(async () => {
    idp = await startIdp();
  });
  afterAll(async () => {
    await idp.close();
  });

  it('returns the profile claims from userinfo', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const response = await fetch(`${idp.issuer}/me`, bearer(tokens.access_token));
    expect(response.status).toBe(200);
    const ada = idp.accounts.find((account) => account.login === 'ada')!;
    expect(await response.json()).toMatchObject({
      sub: ada.sub,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@latchkey.example',
      email_verified: true,
      picture: ada.picture,
    });
  });

  it('puts the profile claims in the ID token too, as Auth0 does', async () => {
    const tokens = await obtainTokens(idp, 'alan');
    expect(decodeJwt(tokens.id_token!)).toMatchObject({
      iss: idp.issuer,
      aud: idp.clientId,
      sub: 'local|alan',
      name: 'Alan Turing',
      email_verified: false,
      nonce: tokens.login.nonce,
    });
  });

  it('rotates the refresh token on every use and refuses the old one with invalid_grant', async () => {
    const first = await obtainTokens(idp, 'ada');
    const second = await refreshTokens(idp, first.refresh_token!);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.scope).toBe(first.scope);

    await expect(refreshTokens(idp, first.refresh_token!)).rejects.toMatchObject({
      details: { status: 400, error: 'invalid_grant' },
    });
    // RFC 9700 §4.14.2: reuse of a rotated token is treated as theft and ends the whole grant.
    await expect(refreshTokens(idp, second.refresh_token!)).rejects.toMatchObject({
      details: { error: 'invalid_grant' },
    });
  });

  it('keeps a chain of refreshes working when each new token is used once', async () => {
    let current = (await obtainTokens(idp, 'grace')).refresh_token!;
    for (let round = 0; round < 5; round += 1) {
      const next = await refreshTokens(idp, current);
      current = next.refresh_token!;
    }
    const last = await refreshTokens(idp, current);
    expect((await fetch(`${idp.issuer}/me`, bearer(last.access_token))).status).toBe(200);
  });

  it('refuses a revoked refresh token with invalid_grant', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const response = await revokeToken(idp, tokens.refresh_token!, 'refresh_token');
    expect(response.status).toBe(200);
    await expect(refreshTokens(idp, tokens.refresh_token!)).rejects.toMatchObject({
      details: { error: 'invalid_grant' },
    });
  });

  it('revokeAllGrantsFor ends tokens and the browser session of that user only', async () => {
    const grace = await obtainTokens(idp, 'grace');
    const alan = await obtainTokens(idp, 'alan');
    await idp.revokeAllGrantsFor('local|grace');

    await expect(refreshTokens(idp, grace.refresh_token!)).rejects.toMatchObject({
      details: { error: 'invalid_grant' },
    });
    expect((await fetch(`${idp.issuer}/me`, bearer(grace.access_token))).status).toBe(401);
    expect((await fetch(userUrl(idp, 'local|grace'), bearer(grace.access_token))).status).toBe(401);
    const again = await loginWithFetch(idp, 'grace', { jar: grace.login.jar });
    expect(again.formShown).toBe(true);

    await expect(refreshTokens(idp, alan.refresh_token!)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('rejects a token request without the client id, and an unknown client', async () => {
    const login = await loginWithFetch(idp, 'ada');
    const response = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: login.code,
        redirect_uri: login.redirectUri,
        code_verifier: login.codeVerifier,
        client_id: 'someone-else',
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('local provider: short-lived access tokens', () => {
  let idp: RunningIdp;
  beforeAll(async () => {
    // 2 s, not 1: lifetimes count from the start of the current second (exp = floor(now) + ttl), so a
    // 1 s token issued late in a second can be dead before the next request.
    idp = await startIdp({ accessTokenTtlSeconds: 2 });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('honours accessTokenTtlSeconds; an expired token fails at userinfo and the users API, refresh still works', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    expect(tokens.expires_in).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(`${idp.issuer}/me`, bearer(tokens.access_token))).status).toBe(401);
    const api = await fetch(userUrl(idp, 'local|ada'), bearer(tokens.access_token));
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Expired token received for JSON Web Token validation',
    });
    const renewed = await refreshTokens(idp, tokens.refresh_token!);
    expect((await fetch(`${idp.issuer}/me`, bearer(renewed.access_token))).status).toBe(200);
  });

  it('refuses invalid TTL options with a clear message', async () => {
    await expect(startIdp({ accessTokenTtlSeconds: 0 })).rejects.toThrow(
      /accessTokenTtlSeconds must be a positive integer/,
    );
  });
});
