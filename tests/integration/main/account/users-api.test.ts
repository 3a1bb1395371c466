import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersApi } from '../../../../main/account/account-client';
import { startIdp, type RunningIdp } from '../../../../idp';
import { obtainTokens } from '../../../fixtures/idp-login';
import { codeOf } from '../../../fixtures/rejections';

/** The users API client against the real local provider, with real tokens from its real login form. */
let idp: RunningIdp;
let adaToken: string;
let ada: string;

beforeAll(async () => {
  idp = await startIdp();
  adaToken = (await obtainTokens(idp, 'ada')).access_token;
  ada = idp.accounts.find((account) => account.login === 'ada')!.sub;
});
afterAll(() => idp.close());

function api(options: Partial<Parameters<typeof createUsersApi>[0]> = {}) {
  return createUsersApi({ baseUrl: `${idp.issuer}/api/v2`, ...options });
}

describe('users API client against the local provider', () => {
  it('reads, patches and reads back user_metadata with fields=user_metadata', async () => {
    const users = api();
    const before = idp.requestLog.length;
    const stored = await users.patchMetadata(adaToken, ada, {
      first_name: 'Ada',
      last_name: 'Lovelace',
      country: 'GB',
    });
    expect(stored).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', country: 'GB' });
    // The PATCH answer is the new truth: exactly one request, no extra GET.
    expect(idp.requestLog.slice(before).map((entry) => entry.method)).toEqual(['PATCH']);
    expect(await users.getMetadata(adaToken, ada)).toEqual(idp.users.metadataOf(ada));
    const deleted = await users.patchMetadata(adaToken, ada, { country: null });
    expect(deleted).not.toHaveProperty('country');
    expect(idp.users.metadataOf(ada)).not.toHaveProperty('country');
  });

  it('encodes the subject into the path (Auth0 ids carry "|")', async () => {
    const before = idp.requestLog.length;
    await api().getMetadata(adaToken, ada);
    expect(idp.requestLog[before]?.path).toBe(`/api/v2/users/${encodeURIComponent(ada)}`);
  });

  it('a token without update:current_user_metadata gets FORBIDDEN naming that scope', async () => {
    const readOnly = await obtainTokens(idp, 'ada', { scope: 'openid profile read:current_user' });
    const users = api();
    await expect(users.getMetadata(readOnly.access_token, ada)).resolves.toBeTypeOf('object');
    const error = await users
      .patchMetadata(readOnly.access_token, ada, { country: 'FR' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('update:current_user_metadata'),
    });
    expect((error as Error).message).toContain(idp.audience);
  });

  it('an unknown user is NOT_FOUND', async () => {
    expect(await codeOf(api().getMetadata(adaToken, 'local|nobody'))).toBe('NOT_FOUND');
  });

  it('a refused (garbage) token is ACCESS_TOKEN_REJECTED', async () => {
    expect(await codeOf(api().getMetadata('not-a-token', ada))).toBe('ACCESS_TOKEN_REJECTED');
  });

  it("the provider's own 16 KB check comes back as INVALID_INPUT with its reason", async () => {
    // Straight to the users API, past the app's own checks, to pin the mapping of the provider's 400.
    const error = await api()
      .patchMetadata(adaToken, ada, { a: 'x'.repeat(9000), b: 'y'.repeat(9000) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('16384') });
  });

  it('an unreachable provider is NETWORK', async () => {
    const closed = await startIdp();
    const base = `${closed.issuer}/api/v2`;
    await closed.close();
    expect(await codeOf(createUsersApi({ baseUrl: base }).getMetadata(adaToken, ada))).toBe('NETWORK');
  });
});

/**
 * The local provider never rate-limits, so 429s and 5xx come from a tiny local HTTP server that
 * answers from a script: the only way to produce them here.
 */
describe('users API client: rate limits and outages (scripted local server)', () => {
  let server: Server;
  let base: string;
  let script: Array<(res: ServerResponse) => void> = [];
  const seen: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const next = script.shift();
      if (next) next(res);
      else json(res, 200, { user_id: 'auth0|1', user_metadata: { country: 'NZ' } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  const tooMany = (headers: Record<string, string>) => (res: ServerResponse) =>
    json(
      res,
      429,
      { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached' },
      headers,
    );

  function reset(steps: typeof script) {
    script = steps;
    seen.length = 0;
  }

  it('waits out a short Retry-After once, then succeeds', async () => {
    reset([tooMany({ 'retry-after': '1' })]);
    const started = Date.now();
    const metadata = await createUsersApi({ baseUrl: base }).getMetadata('token', 'auth0|1');
    expect(metadata).toEqual({ country: 'NZ' });
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a Retry-After beyond the bound fails RATE_LIMITED at once, with the wait in the message', async () => {
    reset([tooMany({ 'retry-after': '120' })]);
    const error = await createUsersApi({ baseUrl: base })
      .patchMetadata('token', 'auth0|1', { country: 'FR' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('120 s') });
    expect(seen).toHaveLength(1);
  });

  it('retries only once: a second 429 is RATE_LIMITED', async () => {
    const waits: number[] = [];
    reset([tooMany({ 'retry-after': '2' }), tooMany({ 'retry-after': '2' })]);
    const users = createUsersApi({ baseUrl: base, sleep: async (ms) => void waits.push(ms) });
    const error = await users.getMetadata('token', 'auth0|1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(waits).toEqual([2000]);
    expect(seen).toHaveLength(2);
  });

  it("honours Auth0's X-RateLimit-Reset when Retry-After is absent", async () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const waits: number[] = [];
    reset([tooMany({ 'x-ratelimit-reset': String(now / 1000 + 3) })]);
    const users = createUsersApi({ baseUrl: base, now: () => now, sleep: async (ms) => void waits.push(ms) });
    await expect(users.getMetadata('token', 'auth0|1')).resolves.toEqual({ country: 'NZ' });
    expect(waits).toEqual([3000]);
  });

  it('5xx is NETWORK and is not retried', async () => {
    reset([(res) => json(res, 503, { message: 'Service Unavailable' })]);
    expect(await codeOf(createUsersApi({ baseUrl: base }).getMetadata('token', 'auth0|1'))).toBe('NETWORK');
    expect(seen).toHaveLength(1);
  });

  it('a provider that does not answer in time is NETWORK', async () => {
    reset([() => undefined /* never answers */]);
    const error = await createUsersApi({ baseUrl: base, timeoutMs: 200 })
      .getMetadata('token', 'auth0|1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', message: expect.stringContaining('did not answer') });
  });

  it('an answer that is not a user is PROVIDER_ERROR; a user without metadata reads as {}', async () => {
    reset([(res) => json(res, 200, ['not', 'a', 'user']), (res) => json(res, 200, { user_id: 'auth0|1' })]);
    const users = createUsersApi({ baseUrl: base });
    expect(await codeOf(users.getMetadata('token', 'auth0|1'))).toBe('PROVIDER_ERROR');
    await expect(users.getMetadata('token', 'auth0|1')).resolves.toEqual({});
  });

  it('sends the documented requests: GET with fields, PATCH with { user_metadata }', async () => {
    reset([]);
    const users = createUsersApi({ baseUrl: `${base}/` });
    await users.getMetadata('tok', 'auth0|1');
    await users.patchMetadata('tok', 'auth0|1', { a: null });
    expect(seen.map((req) => `${req.method} ${req.url}`)).toEqual([
      'GET /api/v2/users/auth0%7C1?fields=user_metadata&include_fields=true',
      'PATCH /api/v2/users/auth0%7C1',
    ]);
    expect(seen[0]?.headers.authorization).toBe('Bearer tok');
    expect(seen[1]?.headers['content-type']).toBe('application/json');
  });
});
