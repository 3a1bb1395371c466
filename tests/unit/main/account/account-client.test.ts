import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserMetadata } from '../../../../common/metadata';
import { METADATA_MESSAGES } from '../../../../common/metadata-rules';
import type { SessionState } from '../../../../common/session-state';
import { startIdp, type RunningIdp } from '../../../../idp';
import {
  createAccountClient,
  createUsersApi,
  USERS_API_MAX_BODY_BYTES,
  type UsersApiOptions,
} from '../../../../main/account/account-client';
import type { ProviderSettings } from '../../../../main/auth/types';
import { LatchkeyError } from '../../../../main/errors';
import type { SessionManager } from '../../../../main/session/session-manager';
import { startFaultProxy, type FaultProxy } from '../../../fixtures/fault-proxy';
import { obtainTokens, resolveAccount } from '../../../fixtures/idp-login';
import { settingsFor } from '../../../fixtures/provider-settings';
import { rejectionOf } from '../../../fixtures/rejections';

/**
 * The users API's answers that are not a success, each produced by an injected fetch: the status,
 * body and headers are exactly what the client reads; the real provider is exercised in
 * tests/integration/main/account/.
 */

const AUDIENCE = 'https://tenant.example/api/v2/';
const SUBJECT = 'auth0|1';

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A users API whose provider gives these answers in turn; `waits` records every pause it takes. */
function usersApi(answers: Answer[], now = Date.now(), auth0 = false) {
  const waits: number[] = [];
  const api = createUsersApi({
    baseUrl: 'https://tenant.example/api/v2',
    auth0,
    now: () => now,
    sleep: async (ms) => void waits.push(ms),
    fetch: async () => {
      const answer = answers.shift() ?? { status: 200, body: { user_metadata: {} } };
      const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
      return new Response(body, { status: answer.status, headers: answer.headers });
    },
  });
  return { api, waits };
}

function failure(status: number, body?: unknown, operation: 'read' | 'update' = 'update', auth0 = false) {
  const { api } = usersApi([{ status, body }], Date.now(), auth0);
  return rejectionOf(
    operation === 'read' ? api.getMetadata('token', SUBJECT) : api.patchMetadata('token', SUBJECT, { a: 1 }),
  );
}

describe('users API error mapping', () => {
  it('401 becomes ACCESS_TOKEN_REJECTED, so the session refreshes once and retries', async () => {
    expect((await failure(401, {})).code).toBe('ACCESS_TOKEN_REJECTED');
  });

  it('403 names the missing scope and the audience to request it with', async () => {
    const error = await failure(403, {
      message: 'Insufficient scope, expected any of: update:current_user_metadata',
    });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('"update:current_user_metadata"');
    expect(error.message).toContain(AUDIENCE);
    const read = await failure(403, {}, 'read');
    expect(read.message).toContain('"read:current_user"');
  });

  it("403 insufficient_scope on Auth0 names the scope and the Dashboard's places, in its own words", async () => {
    const error = await failure(
      403,
      {
        statusCode: 403,
        error: 'Forbidden',
        message: 'Insufficient scope, expected any of: update:current_user_metadata',
        errorCode: 'insufficient_scope',
      },
      'update',
      true,
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('"update:current_user_metadata"');
    expect(error.message).toContain('Application Access Policy');
    expect(error.message).toContain('User-Delegated Access');
    expect(error.message).toContain('Per-app authorization');
    expect(error.message).toContain('Application Access tab');
    expect(error.message).toContain('Grant Access');
    expect(error.message).not.toContain('client-grant');
  });

  it('401 "Bad audience" or "Bad issuer" is a configuration problem (CONFIG_INVALID), not a dead token', async () => {
    const badAudience = await failure(401, {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Bad audience: https://api.example.com/',
    });
    expect(badAudience.code).toBe('CONFIG_INVALID');
    expect(badAudience.message).toContain('Bad audience: https://api.example.com/');
    expect(badAudience.message).toContain(AUDIENCE);
    expect((await failure(401, { message: 'Bad issuer' }, 'read')).code).toBe('CONFIG_INVALID');
    // The token's own life: expired or invalid is ACCESS_TOKEN_REJECTED.
    expect(
      (await failure(401, { message: 'Expired token received for JSON Web Token validation' })).code,
    ).toBe('ACCESS_TOKEN_REJECTED');
    expect((await failure(401, { message: 'Invalid token' })).code).toBe('ACCESS_TOKEN_REJECTED');
  });

  it('404 says which user is missing; 400 carries the provider reason', async () => {
    expect(await failure(404, {})).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('auth0|1'),
    });
    expect(await failure(400, { message: 'Payload validation error' })).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Payload validation error'),
    });
  });

  it('5xx is NETWORK (the session is kept); other statuses are PROVIDER_ERROR', async () => {
    expect((await failure(503)).code).toBe('NETWORK');
    expect((await failure(500, 'not json')).code).toBe('NETWORK');
    expect((await failure(409, {})).code).toBe('PROVIDER_ERROR');
  });

  it("cuts the provider's message to one short line, without control or bidi characters", async () => {
    const detail = async (body: unknown) => (await failure(409, body)).message;
    const prefix = "The provider's users API answered HTTP 409: ";
    expect(await detail({ message: `a\nb\u0000c${'x'.repeat(1000)}` })).toBe(
      `${prefix}a b c${'x'.repeat(194)}…`,
    );
    expect(await detail({ message: 'a\nb' })).toBe(`${prefix}a b`);
    expect(await detail({ message: 'evil\u202Egnp.exe' })).toBe(`${prefix}evil gnp.exe`);
    expect(await detail({ message: 42 })).toBe("The provider's users API answered HTTP 409.");
    expect(await detail(null)).toBe("The provider's users API answered HTTP 409.");
  });
});

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const tooMany = (headers: Record<string, string>): Answer => ({ status: 429, body: {}, headers });

  async function waitFor(headers: Record<string, string>): Promise<number[]> {
    const { api, waits } = usersApi([tooMany(headers)], now);
    await api.getMetadata('token', SUBJECT);
    return waits;
  }

  it('reads delay-seconds', async () => {
    expect(await waitFor({ 'retry-after': '3' })).toEqual([3000]);
  });
  it('reads an HTTP-date relative to now', async () => {
    expect(await waitFor({ 'retry-after': 'Wed, 01 Jan 2025 00:00:02 GMT' })).toEqual([2000]);
  });
  it("falls back to Auth0's X-RateLimit-Reset (epoch seconds)", async () => {
    expect(await waitFor({ 'x-ratelimit-reset': String(now / 1000 + 4) })).toEqual([4000]);
  });
  it('ignores garbage: one short default pause', async () => {
    expect(await waitFor({ 'retry-after': 'soon' })).toEqual([1000]);
    expect(await waitFor({})).toEqual([1000]);
  });
  it('RATE_LIMITED says how long to wait', async () => {
    const { api } = usersApi([tooMany({ 'retry-after': '120' })], now);
    const error = await rejectionOf(api.getMetadata('token', SUBJECT));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('120 s') });
    const twice = usersApi([tooMany({}), tooMany({})], now);
    expect((await rejectionOf(twice.api.getMetadata('token', SUBJECT))).code).toBe('RATE_LIMITED');
  });
});

/**
 * The account client and the users API client against the real local provider (idp/), in-process,
 * with real tokens from its real login form (tests/fixtures/idp-login.ts), reached through the
 * fault proxy (tests/fixtures/fault-proxy.ts) in `pass` mode unless a test sets another mode. Faults
 * the provider cannot give (a 429, an odd body, a missing Content-Length) come from `changing`: the
 * real fetch to the real provider, with one answer changed, as each test says.
 */
let idp: RunningIdp;
let proxy: FaultProxy;
let adaToken: string;
let ada: string;
let grace: string;

beforeAll(async () => {
  proxy = await startFaultProxy();
  idp = await startIdp({ issuerUrl: proxy.url });
  proxy.setTarget(idp.port);
  adaToken = (await obtainTokens(idp, 'ada')).access_token;
  ada = resolveAccount(idp, 'ada').sub;
  grace = resolveAccount(idp, 'grace').sub;
});
afterAll(async () => {
  await idp?.close();
  await proxy?.close();
});
afterEach(async () => {
  if (proxy.mode !== 'pass') await proxy.setMode('pass');
});

const requestsSince = (start: number) =>
  idp.requestLog.slice(start).map((entry) => `${entry.method} ${entry.path}`);
const userPath = (subject: string) => `/api/v2/users/${encodeURIComponent(subject)}`;

/** Settings of a standard provider with an Auth0-compatible users API (the local provider's own). */
function genericSettings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    ...settingsFor(idp),
    usersApi: { kind: 'auth0', baseUrl: idp.usersApiUrl },
    ...overrides,
  };
}

/**
 * The session as the account client sees it: whose it is and its access token. `person` changes who
 * is signed in (null: signed out, and withAccessToken refuses as the session manager does).
 */
function sessionOf(person: { token: string; sub: string } | null) {
  const current = { person };
  const session: Pick<SessionManager, 'withAccessToken' | 'getState'> = {
    withAccessToken: (operation) =>
      current.person
        ? operation(current.person.token, current.person.sub)
        : Promise.reject(new LatchkeyError('NOT_SIGNED_IN', 'You are not signed in.')),
    getState: (): SessionState =>
      current.person
        ? {
            status: 'signedIn',
            profile: { sub: current.person.sub },
            validatedAt: 0,
            accessTokenExpiresAt: 0,
            storage: { kind: 'keychain' },
          }
        : { status: 'signedOut', storage: { kind: 'keychain' } },
  };
  return { session, current };
}

/**
 * The real fetch, recording every request as `METHOD URL`, with `change` applied to each real answer
 * (`call` counts from 0). Returning undefined keeps the answer as the provider gave it.
 */
function changing(
  change: (answer: Response, call: number) => Promise<Response | undefined> | Response | undefined = () =>
    undefined,
) {
  const requests: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const call = requests.length;
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const answer = await fetch(input, init);
    return (await change(answer, call)) ?? answer;
  };
  return { fetch: wrapped, requests };
}

/** The real answer's JSON, edited; no Content-Length (a new body). */
async function edited(answer: Response, edit: (json: Record<string, unknown>) => unknown): Promise<Response> {
  const json = (await answer.json()) as Record<string, unknown>;
  return new Response(JSON.stringify(edit(json)), {
    status: answer.status,
    headers: { 'content-type': 'application/json' },
  });
}

/** Another answer instead of the provider's (whose body is let go). */
const instead = (replacement: () => Response) => async (answer: Response) => {
  await answer.body?.cancel();
  return replacement();
};

/**
 * Auth0's 429 body as quoted in auth0-extensions/auth0-reset-tenant#31 (the local provider never
 * rate-limits); the wait headers are each test's own.
 */
async function tooManyInstead(answer: Response, headers: Record<string, string>): Promise<Response> {
  await answer.body?.cancel();
  return new Response(
    JSON.stringify({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Global limit has been reached',
      errorCode: 'too_many_requests',
    }),
    { status: 429, headers: { 'content-type': 'application/json', ...headers } },
  );
}

function usersApiOn(options: Partial<UsersApiOptions> = {}) {
  return createUsersApi({ baseUrl: idp.usersApiUrl, sleep: async () => undefined, ...options });
}

describe('account client', () => {
  it('without a users API, every call fails NOT_SUPPORTED and nothing reaches the provider or the session', async () => {
    const asked: string[] = [];
    const { fetch: recording, requests } = changing();
    const client = createAccountClient({
      settings: genericSettings({ usersApi: { kind: 'none' } }),
      session: {
        withAccessToken: async () => {
          asked.push('withAccessToken');
          throw new Error('no token for a provider without a users API');
        },
        getState: () => ({ status: 'signedOut', storage: { kind: 'keychain' } }),
      },
      fetch: recording,
    });
    expect(client.supportsMetadata).toBe(false);
    for (const call of [client.authorize(), client.getMetadata(), client.updateMetadata({ country: 'GB' })]) {
      expect(await rejectionOf(call)).toMatchObject({
        code: 'NOT_SUPPORTED',
        message:
          'This provider has no users API, so Latchkey cannot read or save user metadata here. ' +
          'Your profile (name, email, picture) still comes from the provider.',
      });
    }
    expect(requests).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("reads and saves with the session's own access token; what the provider stores is what the caller gets", async () => {
    await idp.users.replaceMetadata(ada, { theme: 'dark' });
    const { session } = sessionOf({ token: adaToken, sub: ada });
    const client = createAccountClient({ settings: genericSettings(), session });
    expect(client.supportsMetadata).toBe(true);

    const start = idp.requestLog.length;
    // The session's token serves the users API: no browser step to take.
    await expect(client.authorize()).resolves.toBeUndefined();
    expect(await client.getMetadata()).toEqual({ theme: 'dark' });
    expect(await client.updateMetadata({ country: 'GB', theme: null })).toEqual({ country: 'GB' });
    expect(idp.users.metadataOf(ada)).toEqual({ country: 'GB' });
    expect(requestsSince(start)).toEqual([`GET ${userPath(ada)}`, `PATCH ${userPath(ada)}`]);
  });

  it('refuses, before any request, a save whose merge with the metadata last read or saved would pass 16 KB', async () => {
    const big = (prefix: string, count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}_${i}`, 'x'.repeat(2_048)]));
    await idp.users.replaceMetadata(ada, {});
    const { session } = sessionOf({ token: adaToken, sub: ada });
    const client = createAccountClient({ settings: genericSettings(), session });

    expect(await client.getMetadata()).toEqual({});
    // Fits with what was read: the provider stores it, and its answer is what the next save is judged by.
    await client.updateMetadata(big('old', 6));
    const start = idp.requestLog.length;
    expect(await rejectionOf(client.updateMetadata(big('new', 3)))).toMatchObject({
      code: 'INVALID_INPUT',
      message: METADATA_MESSAGES.tooLarge,
    });
    expect(requestsSince(start)).toEqual([]);

    // Removing keys while adding others is judged on the result, which fits.
    const swapped = await client.updateMetadata({ ...big('new', 3), old_0: null, old_1: null, old_2: null });
    expect(Object.keys(swapped).sort()).toEqual(['new_0', 'new_1', 'new_2', 'old_3', 'old_4', 'old_5']);
  });

  it("the metadata a read returns is the caller's copy: changing it changes nothing the client judges by", async () => {
    await idp.users.replaceMetadata(ada, { country: 'GB' });
    const { session } = sessionOf({ token: adaToken, sub: ada });
    const client = createAccountClient({ settings: genericSettings(), session });
    const read = await client.getMetadata();
    Object.assign(read, { notes: 'n'.repeat(15_000) });
    expect(await client.updateMetadata({ more: 'm'.repeat(2_000) })).toEqual({
      country: 'GB',
      more: 'm'.repeat(2_000),
    });
  });

  it("metadata known for one person never refuses another person's save; the provider judges it", async () => {
    const graceToken = (await obtainTokens(idp, 'grace')).access_token;
    await idp.users.replaceMetadata(ada, {
      notes: 'n'.repeat(2_048),
      more: 'm'.repeat(2_048),
      long: 'l'.repeat(2_048),
      longer: 'o'.repeat(2_048),
      longest: 'g'.repeat(2_048),
      last: 'z'.repeat(2_048),
    });
    await idp.users.replaceMetadata(grace, {});
    const { session, current } = sessionOf({ token: adaToken, sub: ada });
    const client = createAccountClient({ settings: genericSettings(), session });
    await client.getMetadata();

    current.person = { token: graceToken, sub: grace };
    const patch = { a: 'a'.repeat(2_048), b: 'b'.repeat(2_048), c: 'c'.repeat(2_048) };
    const start = idp.requestLog.length;
    expect(await client.updateMetadata(patch)).toEqual(patch);
    expect(requestsSince(start)).toEqual([`PATCH ${userPath(grace)}`]);
    expect(idp.users.metadataOf(grace)).toEqual(patch);
  });

  it('signed out after a read: a save fails as the session says, not on the metadata it knew', async () => {
    await idp.users.replaceMetadata(ada, {});
    const { session, current } = sessionOf({ token: adaToken, sub: ada });
    const client = createAccountClient({ settings: genericSettings(), session });
    await client.getMetadata();
    current.person = null;
    expect((await rejectionOf(client.updateMetadata({ country: 'GB' }))).code).toBe('NOT_SIGNED_IN');
  });

  it("with a token source of its own, authorize() runs that source's browser step and the details use its token", async () => {
    let token: string | undefined;
    const client = createAccountClient({
      settings: genericSettings(),
      // The session's own token is not meant for the users API here: the provider would refuse it.
      session: sessionOf({ token: 'not-for-the-users-api', sub: ada }).session,
      tokens: {
        authorize: async () => {
          token = (await obtainTokens(idp, 'ada', { scope: 'openid read:current_user' })).access_token;
        },
        withToken: (operation) =>
          token
            ? operation(token, ada)
            : Promise.reject(new LatchkeyError('AUTHORIZATION_REQUIRED', 'Open your details to authorize.')),
      },
    });
    await idp.users.replaceMetadata(ada, { country: 'NZ' });
    expect((await rejectionOf(client.getMetadata())).code).toBe('AUTHORIZATION_REQUIRED');
    await client.authorize();
    expect(await client.getMetadata()).toEqual({ country: 'NZ' });
  });

  it('a token without the save permission is FORBIDDEN, naming the scope and the audience the settings ask for', async () => {
    const readOnly = (await obtainTokens(idp, 'ada', { scope: 'openid profile read:current_user' }))
      .access_token;
    const { session } = sessionOf({ token: readOnly, sub: ada });
    const scope = '"update:current_user_metadata"';
    // The audience the settings name, whatever URL the users API has (a proxy or custom domain in front).
    const audience = 'https://users.example.test/api/v2/';
    const configured = createAccountClient({ settings: genericSettings({ audience }), session });
    expect(await rejectionOf(configured.updateMetadata({ country: 'FR' }))).toMatchObject({
      code: 'FORBIDDEN',
      message:
        `The provider refused to save your user metadata: the access token lacks the ${scope} scope ` +
        '(provider said: Insufficient scope, expected any of: update:users,update:users_app_metadata,update:current_user_metadata). ' +
        `Latchkey must request ${scope} with the audience ${audience} (add it to the scopes in Latchkey's provider settings), then sign in again.`,
    });
    // Without a configured audience, the users API's own URL with its trailing slash.
    const unconfigured = createAccountClient({
      settings: genericSettings({
        audience: undefined,
        usersApi: { kind: 'auth0', baseUrl: `${idp.usersApiUrl}//` },
      }),
      session,
    });
    expect((await rejectionOf(unconfigured.updateMetadata({ country: 'FR' }))).message).toContain(
      `with the audience ${idp.usersApiUrl}/ (`,
    );
  });
});

describe('account client on Auth0 (strict Auth0 mode)', () => {
  let strict: RunningIdp;
  beforeAll(async () => {
    strict = await startIdp({ behaviour: 'auth0-strict' });
  });
  afterAll(() => strict?.close());

  const auth0Settings = (): ProviderSettings => ({
    issuer: strict.issuer,
    clientId: strict.clientId,
    // The person's own API, asked for at sign-in: not the Management API.
    audience: 'https://api.example.test/',
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    usersApi: { kind: 'auth0', baseUrl: strict.usersApiUrl },
    auth0: { tenantDomain: new URL(strict.audience).host, managementAudience: strict.audience },
  });

  it("the session's own token is refused as Bad audience: CONFIG_INVALID naming the Management API audience", async () => {
    const { access_token } = await obtainTokens(strict, 'ada', {
      audience: null,
      scope: 'openid profile email offline_access',
    });
    const sub = resolveAccount(strict, 'ada').sub;
    const client = createAccountClient({
      settings: auth0Settings(),
      session: sessionOf({ token: access_token, sub }).session,
    });
    const error = await rejectionOf(client.getMetadata());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(
      /^The provider's users API refused the token because it was issued for another API \(Bad audience: /,
    );
    expect(error.message).toContain(
      `It accepts only tokens for ${strict.audience} (with the trailing slash)`,
    );
    expect(error.message).not.toContain('https://api.example.test/');
  });

  it("a Management API token without the save permission is FORBIDDEN with the Auth0 Dashboard's steps", async () => {
    const { access_token } = await obtainTokens(strict, 'ada', {
      audience: strict.audience,
      scope: 'openid read:current_user',
    });
    const sub = resolveAccount(strict, 'ada').sub;
    const client = createAccountClient({
      settings: auth0Settings(),
      session: sessionOf({ token: access_token, sub }).session,
    });
    const error = await rejectionOf(client.updateMetadata({ country: 'FR' }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(
      'In the Auth0 Dashboard, open Applications → APIs → Auth0 Management API',
    );
    expect(error.message).toContain('("update:current_user_metadata")');
    expect(error.message).not.toContain('Latchkey must request');
  });
});

describe('users API client against the local provider', () => {
  it('sends the documented requests: GET of user_metadata alone, PATCH of { user_metadata }, with the token', async () => {
    await idp.users.replaceMetadata(ada, {});
    const { fetch: recording, requests } = changing();
    // Trailing slashes on the base URL are fine.
    const users = usersApiOn({ baseUrl: `${idp.usersApiUrl}//`, fetch: recording });
    expect(await users.getMetadata(adaToken, ada)).toEqual({});
    expect(await users.patchMetadata(adaToken, ada, { country: 'GB' })).toEqual({ country: 'GB' });
    expect(requests).toEqual([
      `GET ${idp.usersApiUrl}/users/${encodeURIComponent(ada)}?fields=user_metadata&include_fields=true`,
      `PATCH ${idp.usersApiUrl}/users/${encodeURIComponent(ada)}`,
    ]);
  });

  it('a subject is one path segment: "x/../<subject>" never reaches that user', async () => {
    const error = await rejectionOf(usersApiOn().getMetadata(adaToken, `x/../${ada}`));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('a missing user is NOT_FOUND naming them, cut to 120 characters and stripped of control characters', async () => {
    const long = `local|${'n'.repeat(300)}`;
    expect((await rejectionOf(usersApiOn().getMetadata(adaToken, long))).message).toBe(
      `The provider has no user "${long.slice(0, 119)}…" in its users API. ` +
        'The account may have been deleted, or the users API belongs to another tenant than the sign-in.',
    );
    expect((await rejectionOf(usersApiOn().getMetadata(adaToken, '\u202e'))).message).toMatch(
      /^The provider has no user "" in its users API\./,
    );
  });

  it("the provider's 400 is INVALID_INPUT with its reason, or a plain sentence when it gives none", async () => {
    await idp.users.replaceMetadata(ada, {});
    const oversized = { a: 'x'.repeat(9_000), b: 'y'.repeat(9_000) };
    expect(await rejectionOf(usersApiOn().patchMetadata(adaToken, ada, oversized))).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /^The provider refused the request as invalid: Payload validation error: .*16384/,
      ),
    });
    // Fault: the same refusal without its message.
    const bare = changing((answer) => edited(answer, ({ message: _message, ...rest }) => rest));
    expect(
      await rejectionOf(usersApiOn({ fetch: bare.fetch }).patchMetadata(adaToken, ada, oversized)),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'The provider refused the request as invalid.',
    });
  });

  it("another refusal (413, a body over the provider's 1 MB) is PROVIDER_ERROR with the provider's words", async () => {
    const error = await rejectionOf(usersApiOn().patchMetadata(adaToken, ada, { a: 'x'.repeat(1_100_000) }));
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      message:
        "The provider's users API answered HTTP 413: Payload content length greater than maximum allowed: 1048576",
    });
  });

  describe('the provider down, slow or overloaded (fault proxy)', () => {
    it('no answer within the timeout is NETWORK, saying how long it waited', async () => {
      await proxy.setMode('slow', { delayMs: 5_000 });
      const error = await rejectionOf(usersApiOn({ timeoutMs: 600 }).getMetadata(adaToken, ada));
      expect(error).toMatchObject({
        code: 'NETWORK',
        message: "The provider's users API did not answer within 0.6 s.",
      });
      expect(error.cause).toBeDefined();
    });

    it.each(['down', 'reset'] as const)('a provider %s is NETWORK: it could not be reached', async (mode) => {
      await proxy.setMode(mode);
      expect(await rejectionOf(usersApiOn().patchMetadata(adaToken, ada, { country: 'FR' }))).toMatchObject({
        code: 'NETWORK',
        message: "The provider's users API could not be reached. Check the connection and try again.",
      });
    });

    it('an answer cut off by the connection is NETWORK, and a save is not called failed: it reached the provider', async () => {
      await idp.users.replaceMetadata(ada, { country: 'DE' });
      await proxy.setMode('cut');
      const save = await rejectionOf(usersApiOn().patchMetadata(adaToken, ada, { country: 'FR' }));
      expect(save).toMatchObject({
        code: 'NETWORK',
        message: expect.stringContaining('cannot tell whether your changes were saved'),
      });
      expect(save.cause).toBeDefined();
      expect(idp.users.metadataOf(ada)).toMatchObject({ country: 'FR' });
      expect(await rejectionOf(usersApiOn().getMetadata(adaToken, ada))).toMatchObject({
        code: 'NETWORK',
        message:
          "The connection to the provider's users API broke while it answered. Check the connection and try again.",
      });
    });

    it('a redirect is not followed: NETWORK, and the token reaches no other address', async () => {
      // The provider never redirects its users API: a server in front of it that does (a proxy
      // sending the request to a sign-in page, say), answering 302 towards the real users API.
      const redirector = createServer((req, res) => {
        res
          .writeHead(302, { location: `${idp.usersApiUrl}${(req.url ?? '').slice('/api/v2'.length)}` })
          .end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = redirector.address() as AddressInfo;
        const start = idp.requestLog.length;
        const users = createUsersApi({ baseUrl: `http://127.0.0.1:${port}/api/v2` });
        expect((await rejectionOf(users.getMetadata(adaToken, ada))).code).toBe('NETWORK');
        expect(requestsSince(start)).toEqual([]);
      } finally {
        await new Promise((resolve) => redirector.close(resolve));
      }
    });

    it('a 503 from the gateway is NETWORK naming the status, and is not retried', async () => {
      await proxy.setMode('5xx');
      const before = proxy.connections['5xx'];
      expect(await rejectionOf(usersApiOn().getMetadata(adaToken, ada))).toMatchObject({
        code: 'NETWORK',
        message: "The provider's users API is unavailable right now (HTTP 503). Try again in a moment.",
      });
      expect(proxy.connections['5xx'] - before).toBe(1);
    });
  });

  describe('how much of an answer is read', () => {
    /** Ada's metadata padded so that the GET answer is exactly `bytes` long. */
    async function answerOfSize(bytes: number): Promise<void> {
      await idp.users.replaceMetadata(ada, { pad: '' });
      const empty = JSON.stringify({ user_metadata: { pad: '' } }).length;
      await idp.users.replaceMetadata(ada, { pad: 'p'.repeat(bytes - empty) });
    }
    /** Fault: the same answer sent without Content-Length (chunked), as a streaming server sends it. */
    const undeclared = () =>
      changing((answer) => {
        const headers = new Headers(answer.headers);
        headers.delete('content-length');
        return new Response(answer.body, { status: answer.status, headers });
      });

    it(`reads an answer of exactly ${USERS_API_MAX_BODY_BYTES} bytes and refuses one byte more, declared or not`, async () => {
      await answerOfSize(USERS_API_MAX_BODY_BYTES);
      const { fetch: recording, requests } = changing(async (answer) => {
        expect(answer.headers.get('content-length')).toBe(String(USERS_API_MAX_BODY_BYTES));
        return undefined;
      });
      expect(Object.keys(await usersApiOn({ fetch: recording }).getMetadata(adaToken, ada))).toEqual(['pad']);
      expect(requests).toHaveLength(1);
      expect(Object.keys(await usersApiOn({ fetch: undeclared().fetch }).getMetadata(adaToken, ada))).toEqual(
        ['pad'],
      );

      await answerOfSize(USERS_API_MAX_BODY_BYTES + 1);
      const refusal = {
        code: 'PROVIDER_ERROR',
        message: "The provider's users API answered with more than 64 KB; Latchkey did not read it.",
      };
      expect(await rejectionOf(usersApiOn().getMetadata(adaToken, ada))).toMatchObject(refusal);
      expect(
        await rejectionOf(usersApiOn({ fetch: undeclared().fetch }).getMetadata(adaToken, ada)),
      ).toMatchObject(refusal);
    });

    it('a saved user too large to read is read back with a GET of its metadata alone (the patch was applied)', async () => {
      await idp.users.replaceMetadata(ada, {});
      // Fault: the PATCH answer carries 100 KB of app_metadata (Auth0 stores larger legacy profiles).
      const padded = changing((answer, call) =>
        call === 0
          ? edited(answer, (user) => ({ ...user, app_metadata: { blob: 'x'.repeat(100_000) } }))
          : undefined,
      );
      const stored = await usersApiOn({ fetch: padded.fetch }).patchMetadata(adaToken, ada, {
        country: 'FR',
      });
      expect(stored).toEqual({ country: 'FR' });
      expect(padded.requests.map((request) => request.split(' ')[0])).toEqual(['PATCH', 'GET']);
      expect(idp.users.metadataOf(ada)).toEqual({ country: 'FR' });
    });
  });

  describe('answers that are not a usable user', () => {
    const readWith = (change: Parameters<typeof changing>[0]) =>
      usersApiOn({ fetch: changing(change).fetch }).getMetadata(adaToken, ada);

    it('a user without user_metadata, or with null, reads as {} (Auth0 omits it for a user who has none)', async () => {
      await idp.users.replaceMetadata(ada, { country: 'GB' });
      expect(await readWith((answer) => edited(answer, () => ({ user_id: ada })))).toEqual({});
      expect(await readWith((answer) => edited(answer, () => ({ user_metadata: null })))).toEqual({});
    });

    it.each([
      ['a list', (answer: Response) => edited(answer, (user) => [user])],
      ['null', (answer: Response) => edited(answer, () => null)],
      ['a string', (answer: Response) => edited(answer, () => 'user')],
      ['text that is not JSON', instead(() => new Response('<html>Sign in</html>', { status: 200 }))],
      ['no body at all (204)', instead(() => new Response(null, { status: 204 }))],
    ])('an answer that is %s is PROVIDER_ERROR: not a user', async (_what, change) => {
      expect(await rejectionOf(readWith(change))).toMatchObject({
        code: 'PROVIDER_ERROR',
        message: "The provider's users API answered with something that is not a user.",
      });
    });

    it.each([
      ['a list', ['a']],
      ['a string', 'theme=dark'],
      ['a number', 7],
      ['true', true],
    ])('user_metadata that is %s is PROVIDER_ERROR: not an object', async (_what, metadata) => {
      expect(
        await rejectionOf(readWith((answer) => edited(answer, () => ({ user_metadata: metadata })))),
      ).toMatchObject({
        code: 'PROVIDER_ERROR',
        message: "The provider's users API sent user_metadata that is not an object.",
      });
    });

    it('metadata stored by another application that Latchkey cannot show is PROVIDER_ERROR saying why', async () => {
      await idp.users.replaceMetadata(ada, { a: { b: { c: { d: { e: { f: 'six levels' } } } } } });
      expect(await rejectionOf(usersApiOn().getMetadata(adaToken, ada))).toMatchObject({
        code: 'PROVIDER_ERROR',
        message:
          "The provider's users API sent user_metadata that Latchkey cannot show: it is nested deeper than 5 levels.",
      });
      await idp.users.replaceMetadata(ada, {});
    });
  });

  describe('429 from the users API (the first answer replaced by a 429; the retry reaches the provider)', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    /** `times` answers in a row replaced by a 429 with `headers`. */
    async function afterTooMany(
      headers: Record<string, string>,
      options: Partial<UsersApiOptions> = {},
      times = 1,
    ) {
      await idp.users.replaceMetadata(ada, { country: 'NZ' });
      const waits: number[] = [];
      const limited = changing((answer, call) =>
        call < times ? tooManyInstead(answer, headers) : undefined,
      );
      const users = usersApiOn({
        fetch: limited.fetch,
        now: () => now,
        sleep: async (ms) => void waits.push(ms),
        ...options,
      });
      const outcome: { metadata?: UserMetadata; error?: LatchkeyError } = await users
        .getMetadata(adaToken, ada)
        .then(
          (metadata) => ({ metadata }),
          (error: unknown) => ({ error: error as LatchkeyError }),
        );
      return { ...outcome, waits, requests: limited.requests.length };
    }

    it('waits as long as the bound allows (5 s by default) and retries once; a longer wait fails at once', async () => {
      expect(await afterTooMany({ 'retry-after': '5' })).toEqual({
        metadata: { country: 'NZ' },
        waits: [5_000],
        requests: 2,
      });
      const longer = await afterTooMany({ 'retry-after': '6' });
      expect(longer).toMatchObject({ waits: [], requests: 1 });
      expect(longer.error).toMatchObject({
        code: 'RATE_LIMITED',
        message: 'The provider is limiting requests to its users API. Try again in 6 s.',
      });
      expect(await afterTooMany({ 'retry-after': '2' }, { maxRetryWaitMs: 1_000 })).toMatchObject({
        waits: [],
        requests: 1,
      });
    });

    it('without an injected pause, really waits what the provider asks before the retry', async () => {
      const started = Date.now();
      expect(await afterTooMany({ 'retry-after': '1' }, { sleep: undefined })).toMatchObject({
        metadata: { country: 'NZ' },
        waits: [],
        requests: 2,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('a Retry-After date already past retries at once; garbage in either header means one short pause', async () => {
      expect(await afterTooMany({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' })).toMatchObject({
        waits: [0],
        requests: 2,
      });
      expect(await afterTooMany({ 'x-ratelimit-reset': String(now / 1000 - 60) })).toMatchObject({
        waits: [0],
      });
      const garbage: Array<Record<string, string>> = [
        { 'retry-after': '3s' },
        { 'retry-after': 'x3' },
        { 'x-ratelimit-reset': '12abc' },
      ];
      for (const headers of garbage) {
        expect(await afterTooMany(headers)).toMatchObject({ waits: [1_000], requests: 2 });
      }
    });

    it('says how long to wait in whole seconds, rounded up and at least 1, or "an hour or more"', async () => {
      const message = async (
        headers: Record<string, string>,
        options: Partial<UsersApiOptions> = {},
        times = 1,
      ) => (await afterTooMany(headers, { maxRetryWaitMs: 0, ...options }, times)).error?.message;
      const inSeconds = (s: number) =>
        `The provider is limiting requests to its users API. Try again in ${s} s.`;
      // 1.2 s before the date: 2 s.
      const date = { 'retry-after': 'Wed, 01 Jan 2025 00:00:02 GMT' };
      expect(await message(date, { now: () => now + 800 })).toBe(inSeconds(2));
      // Two 429s asking for no wait at all: the second is reported, as 1 s.
      expect(await message({ 'retry-after': '0' }, {}, 2)).toBe(inSeconds(1));
      expect(await message({ 'retry-after': '3599' })).toBe(inSeconds(3599));
      expect(await message({ 'retry-after': '3600' })).toBe(
        'The provider is limiting requests to its users API. Try again later (it asks for a wait of an hour or more).',
      );
    });
  });
});
