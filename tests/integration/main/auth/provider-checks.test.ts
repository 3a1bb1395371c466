import { createServer, type Server, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type DemoAccount, type RunningIdp } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { AuthClient } from '../../../../main/auth/types';
import { openExternalWithBrowser } from '../../../fixtures/browser';
import { obtainTokens, resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { codeOf, rejectionOf } from '../../../fixtures/rejections';
import { freePorts } from '../../../fixtures/free-ports';
import { settingsFor, tokenRequests } from '../../../fixtures/provider-settings';

/** Every check openid-client makes, provoked against the real provider, and how each failure is coded. */

const suite = useLocalProvider({ browser: true });
let ada: DemoAccount;
let grace: DemoAccount;
let client: AuthClient;

beforeAll(() => {
  ada = resolveAccount(suite.idp, 'ada');
  grace = resolveAccount(suite.idp, 'grace');
  client = createAuthClient(settingsFor(suite.idp));
});

function discoveryRequests(provider: RunningIdp): number {
  return provider.requestLog.filter((entry) => entry.path === '/.well-known/openid-configuration').length;
}

/** Replaces fetch for one path only: the injected fault; every other request reaches the real provider. */
function faultOn(path: string, fault: (init: RequestInit) => Promise<Response>): typeof fetch {
  return (input, init) => (new URL(String(input)).pathname === path ? fault(init ?? {}) : fetch(input, init));
}

describe('discovery', () => {
  it('is fetched once for concurrent callers and reused afterwards', async () => {
    const fresh = createAuthClient(settingsFor(suite.idp));
    const before = discoveryRequests(suite.idp);
    await Promise.all([fresh.discover(), fresh.discover(), fresh.discover()]);
    await fresh.endSessionUrl({});
    expect(discoveryRequests(suite.idp) - before).toBe(1);
  });

  it('is not cached when it fails: a later call retries (NETWORK, then success)', async () => {
    const port = (await freePorts(1))[0]!;
    const later = createAuthClient({ ...settingsFor(suite.idp), issuer: `http://127.0.0.1:${port}` });
    expect(await codeOf(later.discover())).toBe('NETWORK');
    const revived = await startIdp({ port });
    try {
      await expect(later.discover()).resolves.toBeUndefined();
      expect(discoveryRequests(revived)).toBe(1);
    } finally {
      await revived.close();
    }
  });

  it('refuses a document that names another issuer (PROVIDER_ERROR), and sign-in never opens the browser', async () => {
    // Same server, reached as `localhost`: its document says 127.0.0.1 (OIDC Discovery §4.3).
    const mismatched = createAuthClient({
      ...settingsFor(suite.idp),
      issuer: `http://localhost:${suite.idp.port}`,
    });
    const error = await rejectionOf(mismatched.discover());
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain(`calls itself "${suite.idp.issuer}"`);
    expect(error.message).toContain(`http://localhost:${suite.idp.port}/`);

    const opened: string[] = [];
    const signIn = await rejectionOf(
      mismatched.signIn({ openExternal: async (url) => void opened.push(url) }),
    );
    expect(signIn.code).toBe('PROVIDER_ERROR');
    expect(opened).toEqual([]);
  });

  it('times out against a provider that accepts the connection and never answers (NETWORK)', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const slow = createAuthClient(
        { ...settingsFor(suite.idp), issuer: `http://127.0.0.1:${port}` },
        { httpTimeoutMs: 300 },
      );
      const started = Date.now();
      const error = await rejectionOf(slow.discover());
      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the code exchange', () => {
  it('refuses an ID token whose nonce is not this attempt’s (PROVIDER_ERROR), with the real provider and check', async () => {
    const before = tokenRequests(suite.idp);
    const tampering = openExternalWithBrowser(suite.browser, ada, {
      rewriteUrl: (url) => {
        const tampered = new URL(url);
        tampered.searchParams.set('nonce', 'a-nonce-from-another-attempt');
        return tampered.href;
      },
    });
    const error = await rejectionOf(client.signIn({ openExternal: tampering }));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('nonce mismatch');
    // The provider did issue tokens (the nonce is only visible inside the ID token); none was kept.
    expect(tokenRequests(suite.idp) - before).toBe(1);
    const landing = await tampering.lastLogin();
    expect(landing.status).toBe(400);
    expect(landing.text).toContain('nonce mismatch');
    await tampering.close();
  });

  it('refuses a callback whose iss is another issuer (RFC 9207 mix-up) and makes no token request', async () => {
    const before = tokenRequests(suite.idp);
    const error = await rejectionOf(
      client.signIn({
        openExternal: async (url) => {
          const params = new URL(url).searchParams;
          const callback = new URL(params.get('redirect_uri')!);
          callback.search = new URLSearchParams({
            code: 'from-elsewhere',
            state: params.get('state')!,
            iss: 'https://attacker.example',
          }).toString();
          void fetch(callback).catch(() => undefined);
        },
      }),
    );
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('"iss"');
    expect(error.message).not.toContain('from-elsewhere');
    expect(tokenRequests(suite.idp) - before).toBe(0);
  });
});

describe('userinfo', () => {
  it('refuses the profile of another subject than expected (PROVIDER_ERROR)', async () => {
    const graceTokens = await obtainTokens(suite.idp, grace);
    await expect(client.userinfo(graceTokens.access_token, grace.sub)).resolves.toMatchObject({
      sub: grace.sub,
    });
    const error = await rejectionOf(client.userinfo(graceTokens.access_token, ada.sub));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('different user');
  });

  it('maps a refused access token to ACCESS_TOKEN_REJECTED', async () => {
    expect(await codeOf(client.userinfo('not-a-token-this-provider-issued', ada.sub))).toBe(
      'ACCESS_TOKEN_REJECTED',
    );
  });

  it('maps a 5xx answer to NETWORK', async () => {
    // Injected fault: the local provider has no way to fail its userinfo endpoint on demand.
    const failing = createAuthClient(settingsFor(suite.idp), {
      fetch: faultOn('/me', async () => new Response('upstream unavailable', { status: 503 })),
    });
    const tokens = await obtainTokens(suite.idp, ada);
    expect(await codeOf(failing.userinfo(tokens.access_token, ada.sub))).toBe('NETWORK');
  });
});

describe('refresh', () => {
  it('maps invalid_grant (a token the provider never issued) to SESSION_EXPIRED', async () => {
    expect(await codeOf(client.refresh('not-a-refresh-token'))).toBe('SESSION_EXPIRED');
  });

  it('reports no refresh token when the provider returns none (no rotation): the session keeps its own', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    // Injected: a provider that does not rotate. The real answer, minus its new refresh token.
    const withoutRotation = createAuthClient(settingsFor(suite.idp), {
      fetch: faultOn('/token', async (init) => {
        const real = await fetch(`${suite.idp.issuer}/token`, init);
        const { refresh_token: _dropped, ...body } = (await real.json()) as Record<string, unknown>;
        return Response.json(body, { status: real.status });
      }),
    });
    const renewed = await withoutRotation.refresh(tokens.refresh_token!);
    expect(renewed).not.toHaveProperty('refreshToken');
    expect(renewed.accessToken).not.toBe(tokens.access_token);
  });

  it('refuses an ID token from a refresh that names another person (OIDC Core §12.2)', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    // Injected: the real refresh answer with its ID token's `sub` swapped; the local provider never
    // does this, and signatures on token responses are not checked (TLS/back channel, OIDC Core §3.1.3.7).
    const swapping = createAuthClient(settingsFor(suite.idp), {
      fetch: faultOn('/token', async (init) => {
        const real = await fetch(`${suite.idp.issuer}/token`, init);
        const body = (await real.json()) as Record<string, unknown>;
        const [header, payload, signature] = String(body.id_token).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        const swapped = Buffer.from(JSON.stringify({ ...claims, sub: 'local|mallory' })).toString(
          'base64url',
        );
        return Response.json(
          { ...body, id_token: `${header}.${swapped}.${signature}` },
          { status: real.status },
        );
      }),
    });

    const error = await rejectionOf(swapping.refresh(tokens.refresh_token!, ada.sub));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('different account');
    // Without the expectation (no session to compare with) the same answer is accepted.
    const fresh = await obtainTokens(suite.idp, ada);
    await expect(swapping.refresh(fresh.refresh_token!)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  });

  it('times out a token request that never answers (NETWORK)', async () => {
    // Injected: a token endpoint that hangs; only openid-client's timeout signal can end it.
    const hanging = createAuthClient(settingsFor(suite.idp), {
      httpTimeoutMs: 300,
      fetch: faultOn(
        '/token',
        (init) =>
          new Promise<Response>((_, reject) =>
            init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          ),
      ),
    });
    const error = await rejectionOf(hanging.refresh('any'));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('timed out');
  });

  it('maps a 5xx answer to NETWORK', async () => {
    const failing = createAuthClient(settingsFor(suite.idp), {
      fetch: faultOn('/token', async () => Response.json({ error: 'server_error' }, { status: 500 })),
    });
    expect(await codeOf(failing.refresh('any'))).toBe('NETWORK');
  });
});

describe('a provider that has gone away', () => {
  it('turns refresh, userinfo and revoke into NETWORK errors (never SESSION_EXPIRED)', async () => {
    const doomed = await startIdp();
    const doomedClient = createAuthClient(settingsFor(doomed));
    const tokens = await obtainTokens(doomed, 'ada');
    await doomedClient.discover();
    await doomed.close();

    expect(await codeOf(doomedClient.refresh(tokens.refresh_token!))).toBe('NETWORK');
    expect(await codeOf(doomedClient.userinfo(tokens.access_token, ada.sub))).toBe('NETWORK');
    expect(
      await doomedClient.revokeGrant({
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token!,
      }),
    ).toMatchObject({ revoked: false, reason: 'failed', error: { code: 'NETWORK' } });
  });
});

describe('what the provider does not offer', () => {
  /** Injected: the real discovery document without some endpoints, as a more basic provider would publish. */
  function without(...fields: string[]): typeof fetch {
    return faultOn('/.well-known/openid-configuration', async (init) => {
      const document = (await (
        await fetch(`${suite.idp.issuer}/.well-known/openid-configuration`, init)
      ).json()) as Record<string, unknown>;
      for (const field of fields) delete document[field];
      return Response.json(document);
    });
  }

  it('revokeGrant sends nothing without a revocation endpoint, and says so', async () => {
    const basic = createAuthClient(settingsFor(suite.idp), { fetch: without('revocation_endpoint') });
    const before = suite.idp.requestLog.length;
    expect(await basic.revokeGrant({ accessToken: 'any', refreshToken: 'any' })).toEqual({
      revoked: false,
      reason: 'noEndpoint',
    });
    expect(suite.idp.requestLog.slice(before).map((entry) => entry.path)).not.toContain('/token/revocation');
  });

  it('endSessionUrl is NOT_SUPPORTED without an end_session_endpoint on a provider that is not Auth0', async () => {
    const basic = createAuthClient(settingsFor(suite.idp), { fetch: without('end_session_endpoint') });
    expect(await codeOf(basic.endSessionUrl({}))).toBe('NOT_SUPPORTED');
  });
});

describe('one transport rule for every endpoint of an http loopback issuer', () => {
  // A hostile (or misconfigured) local provider: its document, served over http on this computer,
  // sends some endpoints over plain http to another machine. The document is the real one with those
  // fields replaced (injected); requests to 192.0.2.10 (TEST-NET-1, RFC 5737) are recorded and fail
  // at once instead of waiting for an unroutable address.
  function hostileDocument(fields: Record<string, string>): { fetch: typeof fetch; offMachine: string[] } {
    const offMachine: string[] = [];
    const documentFetch = faultOn('/.well-known/openid-configuration', async (init) => {
      const document = (await (
        await fetch(`${suite.idp.issuer}/.well-known/openid-configuration`, init)
      ).json()) as Record<string, unknown>;
      return Response.json({ ...document, ...fields });
    });
    return {
      offMachine,
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (new URL(url).hostname === '192.0.2.10') {
          offMachine.push(`${init?.method ?? 'GET'} ${url} ${String(init?.body ?? '')}`);
          throw new TypeError('fetch failed');
        }
        return documentFetch(input, init);
      },
    };
  }

  it.each([
    ['token_endpoint', 'http://192.0.2.10/token'],
    ['revocation_endpoint', 'http://192.0.2.10/token/revocation'],
    ['userinfo_endpoint', 'http://192.0.2.10/me'],
    ['end_session_endpoint', 'http://192.0.2.10/session/end'],
    ['authorization_endpoint', 'http://192.0.2.10/auth'],
  ])(
    'refuses a document sending %s over plain http off this computer (PROVIDER_ERROR), and sends nothing there',
    async (field, value) => {
      const tokens = await obtainTokens(suite.idp, ada);
      const hostile = hostileDocument({ [field]: value });
      const victim = createAuthClient(settingsFor(suite.idp), { fetch: hostile.fetch });
      const opened: string[] = [];

      const settle = (promise: Promise<unknown>) =>
        promise.then(
          () => 'accepted',
          (error: unknown) => (error as { code?: string }).code,
        );
      const outcomes = {
        discover: await settle(victim.discover()),
        refresh: await settle(victim.refresh(tokens.refresh_token!)),
        userinfo: await settle(victim.userinfo(tokens.access_token, ada.sub)),
        // Revocation reports rather than throws (sign-out goes on whatever happens there).
        revoke: await victim
          .revokeGrant({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token! })
          .then((outcome) =>
            outcome.revoked ? 'accepted' : outcome.reason === 'failed' ? outcome.error.code : outcome.reason,
          ),
        endSession: await settle(victim.endSessionUrl({ idTokenHint: tokens.id_token! })),
        signIn: await settle(
          victim.signIn({ openExternal: async (url) => void opened.push(url), timeoutMs: 2_000 }),
        ),
      };

      // Checked first, so that a failure shows what left this computer in clear text.
      expect(hostile.offMachine).toEqual([]);
      expect(outcomes).toEqual({
        discover: 'PROVIDER_ERROR',
        refresh: 'PROVIDER_ERROR',
        userinfo: 'PROVIDER_ERROR',
        revoke: 'PROVIDER_ERROR',
        endSession: 'PROVIDER_ERROR',
        signIn: 'PROVIDER_ERROR',
      });
      expect((await rejectionOf(victim.discover())).message).toContain(field);
      expect(opened).toEqual([]);
    },
  );
});
