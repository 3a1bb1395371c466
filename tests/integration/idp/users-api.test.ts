import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';
import { obtainTokens, userUrl } from '../../fixtures/idp-login.js';

const ADA = 'local|ada';

describe('local provider: Auth0-compatible users API', () => {
  let idp: RunningIdp;
  let adaToken: string;

  const getUser = (token: string | undefined, userId = ADA, query?: Record<string, string>) =>
    fetch(userUrl(idp, userId, query), token ? { headers: { authorization: `Bearer ${token}` } } : {});

  const patchUser = (token: string, body: unknown, userId = ADA, contentType = 'application/json') =>
    fetch(userUrl(idp, userId), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    idp = await startIdp();
    adaToken = (await obtainTokens(idp, 'ada')).access_token;
  });
  afterAll(async () => {
    await idp.close();
  });

  it('GET returns the Auth0 user shape for the token owner, with the id URL-encoded', async () => {
    expect(userUrl(idp, ADA)).toContain('/api/v2/users/local%7Cada');
    const response = await getUser(adaToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const user = (await response.json()) as Record<string, unknown>;
    expect(user).toMatchObject({
      user_id: ADA,
      email: 'ada@latchkey.example',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      picture: `${idp.issuer}/avatars/ada.svg`,
      user_metadata: {},
      app_metadata: {},
      created_at: '2024-01-10T09:00:00.000Z',
    });
    expect(user.identities).toEqual([
      expect.objectContaining({ provider: 'local', user_id: 'ada', isSocial: false }),
    ]);
    expect(typeof user.updated_at).toBe('string');
  });

  it('GET honours fields with include_fields true (default) and false', async () => {
    const only = await (await getUser(adaToken, ADA, { fields: 'user_id,user_metadata, email' })).json();
    expect(Object.keys(only as object).sort()).toEqual(['email', 'user_id', 'user_metadata']);
    const explicit = await (await getUser(adaToken, ADA, { fields: 'name', include_fields: 'true' })).json();
    expect(explicit).toEqual({ name: 'Ada Lovelace' });
    const without = (await (
      await getUser(adaToken, ADA, { fields: 'identities,user_metadata', include_fields: 'false' })
    ).json()) as object;
    expect(without).not.toHaveProperty('identities');
    expect(without).not.toHaveProperty('user_metadata');
    expect(without).toHaveProperty('email');
    const bad = await getUser(adaToken, ADA, { include_fields: 'maybe' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      errorCode: 'invalid_query_string',
    });
  });

  it('PATCH merges user_metadata at the root, deletes null keys, replaces nested objects whole', async () => {
    let response = await patchUser(adaToken, {
      user_metadata: { first_name: 'Ada', country: 'GB', address: { city: 'London', street: 'St James' } },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user_metadata: unknown }).user_metadata).toEqual({
      first_name: 'Ada',
      country: 'GB',
      address: { city: 'London', street: 'St James' },
    });

    response = await patchUser(adaToken, {
      user_metadata: { country: null, last_name: 'Lovelace', address: { city: 'Marylebone' } },
    });
    expect(response.status).toBe(200);
    const expected = { first_name: 'Ada', last_name: 'Lovelace', address: { city: 'Marylebone' } };
    expect(((await response.json()) as { user_metadata: unknown }).user_metadata).toEqual(expected);

    const read = (await (await getUser(adaToken, ADA, { fields: 'user_metadata' })).json()) as {
      user_metadata: unknown;
    };
    expect(read.user_metadata).toEqual(expected);
    expect(idp.users.metadataOf(ADA)).toEqual(expected);
    expect(idp.users.get(ADA)?.updated_at).not.toBe('2024-01-10T09:00:00.000Z');
  });

  it('PATCH with an empty user_metadata object clears it, as Auth0 does', async () => {
    await patchUser(adaToken, { user_metadata: { keep: 'me' } });
    const response = await patchUser(adaToken, { user_metadata: {} });
    expect(((await response.json()) as { user_metadata: unknown }).user_metadata).toEqual({});
  });

  it('PATCH refuses metadata over 16 KB and keeps what was stored', async () => {
    await patchUser(adaToken, { user_metadata: { country: 'GB' } });
    const response = await patchUser(adaToken, { user_metadata: { essay: 'x'.repeat(16 * 1024) } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      errorCode: 'invalid_body',
    });
    expect(idp.users.metadataOf(ADA)).toEqual({ country: 'GB' });
    const justUnder = await patchUser(adaToken, { user_metadata: { essay: 'x'.repeat(15 * 1024) } });
    expect(justUnder.status).toBe(200);
  });

  it('PATCH refuses other body keys, non-object metadata, bad JSON and non-JSON bodies with 400 invalid_body', async () => {
    for (const [body, contentType] of [
      [{ user_metadata: {}, email: 'mallory@example.com' }, 'application/json'],
      [{ app_metadata: { admin: true } }, 'application/json'],
      [{ user_metadata: null }, 'application/json'],
      [{ user_metadata: ['a'] }, 'application/json'],
      [{}, 'application/json'],
      ['{not json', 'application/json'],
      ['user_metadata=x', 'application/x-www-form-urlencoded'],
    ] as const) {
      const response = await patchUser(adaToken, body, ADA, contentType);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        errorCode: 'invalid_body',
      });
    }
    const extra = await patchUser(adaToken, { user_metadata: {}, blocked: true });
    expect(((await extra.json()) as { message: string }).message).toContain(
      'Additional properties not allowed: blocked',
    );
  });

  it('answers 403 for another user, even with the right scopes', async () => {
    for (const response of [
      await getUser(adaToken, 'local|grace'),
      await patchUser(adaToken, { user_metadata: { a: 1 } }, 'local|grace'),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
        errorCode: 'insufficient_scope',
      });
    }
    expect(idp.users.metadataOf('local|grace')).toEqual({});
  });

  it('answers 403 insufficient_scope when the token lacks the API scope', async () => {
    const noAudience = (await obtainTokens(idp, 'ada', { audience: null })).access_token;
    const read = await getUser(noAudience);
    expect(read.status).toBe(403);
    expect(await read.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens',
      errorCode: 'insufficient_scope',
    });

    const readOnly = (await obtainTokens(idp, 'ada', { scope: 'openid profile read:current_user' }))
      .access_token;
    expect((await getUser(readOnly)).status).toBe(200);
    const write = await patchUser(readOnly, { user_metadata: { a: 1 } });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { message: string }).message).toBe(
      'Insufficient scope, expected any of: update:users,update:users_app_metadata,update:current_user_metadata',
    );
  });

  it('answers 401 for a missing, malformed or unknown token, and for an ID token', async () => {
    const missing = await getUser(undefined);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
    });

    const basic = await fetch(userUrl(idp, ADA), { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.status).toBe(401);

    const invalid = await getUser('not-a-real-token');
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await invalid.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Invalid token',
      errorCode: 'invalid_token',
      attributes: { error: 'Invalid token' },
    });

    const idToken = (await obtainTokens(idp, 'ada')).id_token!;
    expect((await getUser(idToken)).status).toBe(401);
  });

  it('answers 404 inexistent_user for a user that does not exist', async () => {
    const response = await getUser(adaToken, 'local|nobody');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The user does not exist.',
      errorCode: 'inexistent_user',
    });
  });

  it('answers 405 for methods it does not implement', async () => {
    const response = await fetch(userUrl(idp, ADA), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adaToken}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PATCH');
  });

  it('exposes the users to tests through idp.users', async () => {
    expect(idp.users.list().map((user) => user.user_id)).toEqual(['local|ada', 'local|grace', 'local|alan']);
    await idp.users.replaceMetadata('local|alan', { country: 'GB' });
    const alanToken = (await obtainTokens(idp, 'alan')).access_token;
    const alan = (await (await getUser(alanToken, 'local|alan')).json()) as { user_metadata: unknown };
    expect(alan.user_metadata).toEqual({ country: 'GB' });
    await expect(idp.users.replaceMetadata('local|nobody', {})).rejects.toThrow(/no user/);
  });
});
