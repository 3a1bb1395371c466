import { describe, expect, it } from 'vitest';
import { errorForStatus, retryDelayMs } from '../../../main/account/provider-errors';

const context = {
  operation: 'update' as const,
  audience: 'https://tenant.example/api/v2/',
  subject: 'auth0|1',
};

describe('users API error mapping', () => {
  it('401 becomes ACCESS_TOKEN_REJECTED, so the session refreshes once and retries', () => {
    expect(errorForStatus(401, {}, context).code).toBe('ACCESS_TOKEN_REJECTED');
  });

  it('403 names the missing scope, the audience to request it with, and where Auth0 grants it', () => {
    const error = errorForStatus(
      403,
      { message: 'Insufficient scope, expected any of: update:current_user_metadata' },
      context,
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('"update:current_user_metadata"');
    expect(error.message).toContain('https://tenant.example/api/v2/');
    expect(error.message).toContain('Auth0 Management API');
    const read = errorForStatus(403, {}, { ...context, operation: 'read' });
    expect(read.message).toContain('"read:current_user"');
  });

  it('404 says which user is missing; 400 carries the provider reason', () => {
    expect(errorForStatus(404, {}, context)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('auth0|1'),
    });
    const bad = errorForStatus(400, { message: 'Payload validation error' }, context);
    expect(bad).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Payload validation error'),
    });
  });

  it('5xx is NETWORK (the session is kept); other statuses are PROVIDER_ERROR', () => {
    expect(errorForStatus(503, undefined, context).code).toBe('NETWORK');
    expect(errorForStatus(500, 'not json', context).code).toBe('NETWORK');
    expect(errorForStatus(409, {}, context).code).toBe('PROVIDER_ERROR');
  });

  it("cuts the provider's message to one short line, without control or bidi characters", () => {
    const detail = (body: unknown) => errorForStatus(409, body, context).message;
    const prefix = "The provider's users API answered HTTP 409: ";
    expect(detail({ message: `a\nb\u0000c${'x'.repeat(1000)}` })).toBe(`${prefix}a b c${'x'.repeat(194)}…`);
    expect(detail({ message: 'a\nb' })).toBe(`${prefix}a b`);
    expect(detail({ message: 'evil\u202Egnp.exe' })).toBe(`${prefix}evil gnp.exe`);
    expect(detail({ message: 42 })).toBe("The provider's users API answered HTTP 409.");
    expect(detail(null)).toBe("The provider's users API answered HTTP 409.");
  });
});

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds', () => {
    expect(retryDelayMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
  });
  it('reads an HTTP-date relative to now', () => {
    expect(retryDelayMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:02 GMT' }), now)).toBe(2000);
  });
  it("falls back to Auth0's X-RateLimit-Reset (epoch seconds)", () => {
    expect(retryDelayMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 4) }), now)).toBe(4000);
  });
  it('ignores garbage', () => {
    expect(retryDelayMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryDelayMs(new Headers(), now)).toBeUndefined();
  });
  it('RATE_LIMITED says how long to wait', () => {
    expect(errorForStatus(429, {}, context, 120_000).message).toContain('120 s');
    expect(errorForStatus(429, {}, context).code).toBe('RATE_LIMITED');
  });
});
