import { describe, expect, it } from 'vitest';
import { createUsersApi } from '../../../../main/account/account-client';
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
