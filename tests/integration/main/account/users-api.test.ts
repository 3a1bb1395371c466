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

/**
 * A hostile or broken users API: answers no real Auth0 tenant gives, from a local HTTP server that
 * writes them as told (the local provider cannot be made to). Each must end in a clear error or in
 * checked data, never in a process that grows without bound, a stack overflow, or unchecked data
 * on its way to the renderer.
 */
describe('users API client: hostile answers', () => {
  let server: Server;
  let base: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  /** Bytes the server managed to hand to the socket for the last answer, once the socket closed. */
  let written: Promise<number> = Promise.resolve(0);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let count = 0;
      const originalWrite = res.write.bind(res);
      res.write = ((chunk: Buffer | string, ...rest: never[]) => {
        count += Buffer.byteLength(chunk);
        return originalWrite(chunk, ...rest);
      }) as typeof res.write;
      written = new Promise((resolve) => res.on('close', () => resolve(count)));
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const users = () => createUsersApi({ baseUrl: base, sleep: async () => undefined });
  const sendJson = (status: number, text: string, headers: Record<string, string> = {}) => {
    answer = (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
  };
  const withMetadata = (metadata: string) =>
    sendJson(200, `{"user_id":"auth0|1","user_metadata":${metadata}}`);

  it('stops reading a 200 MB answer at the bound (PROVIDER_ERROR), whether or not its length is declared', async () => {
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    answer = (_req, res) => {
      // No Content-Length: chunked, as a streaming or broken server would send it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"user_id":"auth0|1","user_metadata":{"a":"');
      let sent = 0;
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('"}}');
      };
      pump();
    };
    const error = await users()
      .getMetadata('token', 'auth0|1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('64 KB') });
    // The client hung up long before the end: what left the server is socket buffers, not 200 MB.
    expect(await written).toBeLessThan(16 * 1024 * 1024);

    sendJson(200, '{}', { 'content-length': String(total) });
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
      res.write('{"user_metadata":{');
    };
    expect(await codeOf(users().getMetadata('token', 'auth0|1'))).toBe('PROVIDER_ERROR');
  });

  it('refuses 200,000 levels of nesting, and 30,000 within the size bound, without a stack overflow', async () => {
    withMetadata(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(await codeOf(users().getMetadata('token', 'auth0|1'))).toBe('PROVIDER_ERROR');

    withMetadata(`{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
    const error = await users()
      .getMetadata('token', 'auth0|1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('nested deeper'),
    });
  });

  it.each([
    ['a key that reaches Object.prototype', '{"__proto__":{"isAdmin":true}}', 'reserved'],
    ['a "constructor" key', '{"constructor":{"prototype":{"x":1}}}', 'reserved'],
    ['an empty key', '{"":"x"}', 'empty'],
    ['six levels of nesting', '{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}', 'nested deeper'],
    [
      '65 keys in one object',
      JSON.stringify(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]))),
      'more than 64 keys',
    ],
    [
      'a list of 65 items',
      JSON.stringify({ list: Array.from({ length: 65 }, (_, i) => i) }),
      'more than 64 items',
    ],
    ['a number JSON cannot carry', '{"n":1e400}', 'number'],
    ['a list instead of an object', '["a","b"]', 'not an object'],
  ])(
    'refuses user_metadata with %s (PROVIDER_ERROR), for a read and for a save',
    async (_what, metadata, reason) => {
      withMetadata(metadata);
      const read = await users()
        .getMetadata('token', 'auth0|1')
        .catch((e: unknown) => e);
      expect(read).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining(reason) });
      const saved = await users()
        .patchMetadata('token', 'auth0|1', { country: 'FR' })
        .catch((e: unknown) => e);
      expect(saved).toMatchObject({ code: 'PROVIDER_ERROR' });
    },
  );

  it('keeps well-formed keys and values another application stored, which Latchkey itself would not set', async () => {
    const stored = {
      'app.theme': 'dark',
      $price: 3,
      ['k'.repeat(100)]: 'a long key',
      'zero\u200bwidth': 'an invisible character in a key',
      notes: 'n'.repeat(5000),
      nested: { a: { b: { c: [1, 'two', null, true] } } },
    };
    withMetadata(JSON.stringify(stored));
    expect(await users().getMetadata('token', 'auth0|1')).toEqual(stored);
  });

  it('reads the metadata back when a saved user is too large to read (the patch was applied)', async () => {
    const seen: string[] = [];
    answer = (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'PATCH') {
        res.end(
          JSON.stringify({ user_metadata: { country: 'FR' }, app_metadata: { blob: 'x'.repeat(100_000) } }),
        );
      } else res.end(JSON.stringify({ user_metadata: { country: 'FR' } }));
    };
    expect(await users().patchMetadata('token', 'auth0|1', { country: 'FR' })).toEqual({ country: 'FR' });
    expect(seen).toEqual([
      'PATCH /api/v2/users/auth0%7C1',
      'GET /api/v2/users/auth0%7C1?fields=user_metadata&include_fields=true',
    ]);
  });

  it('bounds the wait a 429 reports: 400 digits of Retry-After or X-RateLimit-Reset are not "Infinity s"', async () => {
    for (const header of ['retry-after', 'x-ratelimit-reset']) {
      sendJson(429, JSON.stringify({ statusCode: 429, message: 'Too Many Requests' }), {
        [header]: '9'.repeat(400),
      });
      const error = await users()
        .getMetadata('token', 'auth0|1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RATE_LIMITED' });
      expect((error as Error).message).not.toMatch(/Infinity|NaN|e\+/);
      expect((error as Error).message).toContain('an hour or more');
    }
  });

  it('strips control and bidi characters from every provider text it shows: error messages and the subject', async () => {
    sendJson(
      400,
      JSON.stringify({ statusCode: 400, message: 'bad \u202eexe.gnp\u202c request\u0007\r\nInjected: line' }),
    );
    const invalid = (await users()
      .getMetadata('token', 'auth0|1')
      .catch((e: unknown) => e)) as Error;
    expect(invalid.message).toContain('bad exe.gnp request Injected: line');
    expect(invalid.message).not.toMatch(/\p{C}/u);

    sendJson(404, JSON.stringify({ statusCode: 404, message: 'Not Found' }));
    const missing = (await users()
      .getMetadata('token', 'auth0|\u202egnp.exe\u2066')
      .catch((e: unknown) => e)) as Error;
    expect(missing.message).toContain('auth0| gnp.exe');
    expect(missing.message).not.toMatch(/\p{C}/u);
  });
});
