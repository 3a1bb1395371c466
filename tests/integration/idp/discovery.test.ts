import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp/index.js';

describe('local provider: discovery and static resources', () => {
  let idp: RunningIdp;
  beforeAll(async () => {
    idp = await startIdp();
  });
  afterAll(async () => {
    await idp.close();
  });

  it('listens on an ephemeral 127.0.0.1 port and names itself without a trailing slash', () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.port).toBeGreaterThan(0);
    expect(idp.issuer).toBe(`http://127.0.0.1:${idp.port}`);
    expect(idp.audience).toBe(`${idp.issuer}/api/v2/`);
    expect(idp.clientId).toBe('latchkey-desktop');
  });

  it('publishes a discovery document with the endpoints the app uses and S256 only', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      userinfo_endpoint: `${idp.issuer}/me`,
      revocation_endpoint: `${idp.issuer}/token/revocation`,
      end_session_endpoint: `${idp.issuer}/session/end`,
      jwks_uri: `${idp.issuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining([
        'openid',
        'profile',
        'email',
        'offline_access',
        'read:current_user',
        'update:current_user_metadata',
      ]),
    );
  });

  it('is discoverable by openid-client (http allowed only through allowInsecureRequests)', async () => {
    const config = await client.discovery(
      new URL(idp.issuer),
      idp.clientId,
      { token_endpoint_auth_method: 'none' },
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    expect(config.serverMetadata().issuer).toBe(idp.issuer);
    await expect(client.discovery(new URL(idp.issuer), idp.clientId)).rejects.toThrow();
  });

  it('serves a JWKS with one RS256 signing key and no private parts', async () => {
    const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('has three demo accounts whose pictures it serves itself, as SVG', async () => {
    expect(idp.accounts.map((account) => account.login)).toEqual(['ada', 'grace', 'alan']);
    for (const account of idp.accounts) {
      expect(account.sub).toBe(`local|${account.login}`);
      expect(account.picture.startsWith(`${idp.issuer}/avatars/`)).toBe(true);
      const response = await fetch(account.picture);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toContain('<svg');
    }
    expect((await fetch(`${idp.issuer}/avatars/nobody.svg`)).status).toBe(404);
  });

  it('records every request in order, by method and path without the query string', async () => {
    const before = idp.requestLog.length;
    await fetch(`${idp.issuer}/jwks?secret=should-not-be-logged`);
    await fetch(`${idp.issuer}/token`, { method: 'POST' });
    const added = idp.requestLog.slice(before);
    expect(added.map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /jwks', 'POST /token']);
    expect(added[0]!.time).toBeLessThanOrEqual(added[1]!.time);
  });
});
