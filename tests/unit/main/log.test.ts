import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { formatWithOptions } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createFileLogger,
  redact,
  redactValue,
  REDACTED,
  UNREADABLE,
  withRedaction,
  type Logger,
} from '../../../main/log';

// A JWT-shaped string (header.payload.signature); not a real token.
const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJsb2NhbHxhZGEiLCJhdWQiOiJsYXRjaGtleSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';
const OPAQUE = 'Zq8xY2vT7nPqR4sLw9KjH3mB6cD1fG0aE5uI';

/** A logger that keeps the arguments of every call, whatever the level. */
function recordingLogger(): { sink: Logger; seen: unknown[][] } {
  const seen: unknown[][] = [];
  const record = (...args: unknown[]) => void seen.push(args);
  return { sink: { debug: record, info: record, warn: record, error: record }, seen };
}

describe('redact (strings)', () => {
  it('cuts JWT-looking strings wherever they appear', () => {
    const out = redact(`id_token ${JWT} trailing`);
    expect(out).not.toContain(JWT.slice(0, 40));
    expect(out).toContain('[redacted-jwt]');
  });

  it('cuts Authorization: Bearer credentials and other authorization headers', () => {
    expect(redact(`Authorization: Bearer ${OPAQUE}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact(`{"authorization":"DPoP ${OPAQUE}"}`)).not.toContain(OPAQUE);
    expect(redact(`cookie: _session=${OPAQUE}`)).not.toContain(OPAQUE);
  });

  it('cuts code=, code_verifier=, tokens and state from URLs and form bodies, keeping the rest', () => {
    const url = `http://127.0.0.1:51234/callback?code=${OPAQUE}&state=abc123&iss=http%3A%2F%2F127.0.0.1`;
    const out = redact(url);
    expect(out).not.toContain(OPAQUE);
    expect(out).not.toContain('abc123');
    expect(out).toContain('iss=http%3A%2F%2F127.0.0.1');
    const body = `grant_type=authorization_code&code_verifier=${OPAQUE}&refresh_token=${OPAQUE}x&client_id=latchkey`;
    expect(redact(body)).toBe(
      `grant_type=authorization_code&code_verifier=${REDACTED}&refresh_token=${REDACTED}&client_id=latchkey`,
    );
  });

  it('cuts refresh_token and the other token fields from JSON and inspected objects', () => {
    const json = JSON.stringify({
      access_token: OPAQUE,
      refresh_token: `${OPAQUE}r`,
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const out = redact(json);
    expect(out).not.toContain(OPAQUE);
    expect(out).toContain('"expires_in":3600');
    expect(redact(`{ refreshToken: '${OPAQUE}', scope: 'openid' }`)).toBe(
      `{ refreshToken: '${REDACTED}', scope: 'openid' }`,
    );
  });

  it('cuts double-quoted values in inspected, JS-ish or YAML-ish text too', () => {
    expect(redact(`{ refreshToken: "${OPAQUE}", scope: "openid" }`)).toBe(
      `{ refreshToken: "${REDACTED}", scope: "openid" }`,
    );
    expect(redact(`code_verifier = "${OPAQUE}"`)).toBe(`code_verifier = "${REDACTED}"`);
    const once = redact(`accessToken: "${OPAQUE}"`);
    expect(redact(once)).toBe(once);
  });

  it('leaves ordinary messages alone and is idempotent', () => {
    const text = 'refresh failed: NETWORK (ECONNRESET) after 3 attempts; code path ok';
    expect(redact(text)).toBe(text);
    const once = redact(`Bearer ${OPAQUE} code=${OPAQUE}`);
    expect(redact(once)).toBe(once);
  });
});

describe('redactValue (anything logged)', () => {
  it('cuts secret-named fields whatever their value looks like, at any depth', () => {
    const out = redactValue({
      tokens: { accessToken: 'short', refreshToken: 'r', idToken: 'i' },
      nested: { deeper: { client_secret: 's', codeVerifier: 'v', password: 'p' } },
      expiresAt: 123,
    });
    expect(out).toEqual({
      tokens: REDACTED,
      nested: { deeper: { client_secret: REDACTED, codeVerifier: REDACTED, password: REDACTED } },
      expiresAt: 123,
    });
  });

  it('keeps error codes and session states but cuts an OAuth code or state string', () => {
    expect(redactValue({ code: 'NETWORK', message: 'offline' })).toEqual({
      code: 'NETWORK',
      message: 'offline',
    });
    expect(redactValue({ code: 'ECONNREFUSED' })).toEqual({ code: 'ECONNREFUSED' });
    expect(redactValue({ code: OPAQUE, state: 'xYz123' })).toEqual({ code: REDACTED, state: REDACTED });
    expect(redactValue({ state: { status: 'signedOut' } })).toEqual({ state: { status: 'signedOut' } });
  });

  it('redacts errors: message, stack and cause, keeping name and code', () => {
    const cause = new Error(`token endpoint said: refresh_token=${OPAQUE}`);
    const error = Object.assign(new Error(`POST failed with Authorization: Bearer ${OPAQUE}`, { cause }), {
      code: 'PROVIDER_ERROR',
    });
    const out = redactValue(error) as Error & { code: string };
    expect(out).toBeInstanceOf(Error);
    expect(out.message).not.toContain(OPAQUE);
    expect(out.stack ?? '').not.toContain(OPAQUE);
    expect(out.code).toBe('PROVIDER_ERROR');
    expect(String((out.cause as Error).message)).not.toContain(OPAQUE);
  });

  it('handles URLs, search params, cycles and arrays without throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ name: 'x', self: '[circular]' });
    expect(redactValue(new URL(`https://x.test/cb?code=${OPAQUE}`))).not.toContain(OPAQUE);
    expect(redactValue(new URLSearchParams({ refresh_token: OPAQUE }))).not.toContain(OPAQUE);
    expect(redactValue([`Bearer ${OPAQUE}`, 1])).toEqual([`Bearer ${REDACTED}`, 1]);
  });
});

describe('redactValue never throws and never loses a field', () => {
  it('logs a value with a throwing getter or a throwing Proxy as [unreadable] instead of throwing', () => {
    const hostile = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(redactValue(hostile)).toBe(UNREADABLE);
    expect(redactValue({ ok: 1, trap })).toEqual({ ok: 1, trap: UNREADABLE });
    const error = new Error('failed', { cause: hostile });
    const out = redactValue(error) as Error;
    expect(out.message).toBe('failed');
    expect(out.cause).toBe(UNREADABLE);
  });

  it('keeps an own "__proto__" key (from JSON.parse) as a redacted field, not as the prototype', () => {
    const parsed = JSON.parse(
      `{"__proto__": {"refresh_token": "${OPAQUE}", "note": "kept"}, "a": 1}`,
    ) as object;
    const out = redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"refresh_token":"${REDACTED}","note":"kept"},"a":1}`);
  });

  it('a logger whose argument cannot be read still logs, and the call does not throw', () => {
    const { sink, seen } = recordingLogger();
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => withRedaction(sink).error('restoring failed', revoked.proxy)).not.toThrow();
    expect(seen).toEqual([[`restoring failed ${UNREADABLE}`]]);
  });
});

describe('loggers', () => {
  it('withRedaction passes every argument through the redactor', () => {
    const { sink, seen } = recordingLogger();
    withRedaction(sink).warn(`got ${JWT}`, { refreshToken: OPAQUE });
    expect(JSON.stringify(seen)).not.toContain(OPAQUE);
    expect(JSON.stringify(seen)).not.toContain(JWT.slice(0, 30));
  });

  it('the file logger writes redacted lines to its file (electron-log hook)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-log-'));
    try {
      const filePath = join(dir, 'main.log');
      const log = createFileLogger({ filePath, level: 'debug' });
      log.info(`callback http://127.0.0.1:5555/callback?code=${OPAQUE}&state=s1`);
      log.error('refresh failed', { refresh_token: OPAQUE }, new Error(`Bearer ${OPAQUE}`));
      log.debug(`id token ${JWT}`);
      // electron-log writes asynchronously; wait until the last line is there.
      let text = '';
      for (let i = 0; i < 50 && !text.includes('id token'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        text = await readFile(filePath, 'utf8').catch(() => '');
      }
      expect(text).toContain('callback http://127.0.0.1:5555/callback?code=[redacted]');
      expect(text).toContain('refresh failed');
      expect(text).toContain('id token [redacted-jwt]');
      expect(text).not.toContain(OPAQUE);
      expect(text).not.toContain(JWT.slice(0, 30));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Every form a secret has been seen to take on its way to a log line, each logged through the real
 * redacting logger and checked in the line it produces. A form that leaks is a new row here.
 */
describe('no secret survives in a logged line, whatever its form (table)', () => {
  // Mixed case and digits, like a real token, code or verifier; never constant-like.
  const S = 'Sx7Kq2pLm9Zr4Tw8vB3n';
  const forms: Array<[string, unknown[]]> = [
    ['RFC 7009 revocation body (what the app sends)', [`token=${S}&token_type_hint=refresh_token`]],
    ['revocation body, hint first', [`token_type_hint=refresh_token&token=${S}`]],
    ['JSON {"token": …}', [`{"token":"${S}"}`]],
    ['JSON with spaces around the colon', [`{ "refresh_token" : "${S}" }`]],
    ['unquoted refresh_token: X', [`refresh_token: ${S}`]],
    ['unquoted refresh_token = X', [`refresh_token = ${S}`]],
    ['upper case REFRESH_TOKEN=X', [`REFRESH_TOKEN=${S}`]],
    ['header style Refresh-Token: X', [`Refresh-Token: ${S}`]],
    ['percent-encoded code%3DX in a nested URL', [`next=%2Fcallback%3Fcode%3D${S}%26state%3Dabc`]],
    ['double percent-encoded code%253DX', [`next=%252Fcallback%253Fcode%253D${S}`]],
    ['percent-encoded JSON', [`body=%7B%22refresh_token%22%3A%22${S}%22%7D`]],
    ['JSON inside a JSON string', [JSON.stringify({ body: JSON.stringify({ refresh_token: S }) })]],
    [
      'JSON inside JSON inside JSON',
      [JSON.stringify({ a: JSON.stringify({ b: JSON.stringify({ access_token: S }) }) })],
    ],
    ['HTML-escaped JSON', [`&quot;refresh_token&quot;:&quot;${S}&quot;`]],
    ['field authorizationCode (object)', [{ authorizationCode: S }]],
    ['field authorization_code (text)', [`authorization_code=${S}`]],
    ['field authCode (inspected text)', [`{ authCode: '${S}' }`]],
    ['field sessionToken (object)', [{ sessionToken: S }]],
    ['field deviceToken (text)', [`deviceToken: ${S}`]],
    ['field idTokenHint (object)', [{ idTokenHint: S }]],
    ['field client_assertion (text)', [`client_assertion=${S}`]],
    ['field x-api-key (header)', [`x-api-key: ${S}`]],
    ['field passphrase (object)', [{ passphrase: S }]],
    ['password with spaces, quoted', [`password: "correct ${S} staple"`]],
    ['a Map of parameters', [new Map([['refresh_token', S]])]],
    ['inspected Map text', [`Map(1) { 'refresh_token' => '${S}' }`]],
    ['label and value as two arguments', ['refresh_token:', S]],
    ['label and value as two arguments, with =', ['code=', S]],
    ['format string %s', ['sending refresh_token=%s to the provider', S]],
    ['format string %o with an object', ['request %o', { body: `refresh_token=${S}` }]],
    ['an Error whose message holds a form body', [new Error(`token request failed: refresh_token=${S}`)]],
    ['an Error cause chain', [new Error('outer', { cause: new Error(`inner code=${S}`) })]],
    ['a URL object with code and state', [new URL(`http://127.0.0.1:5555/callback?code=${S}&state=${S}2`)]],
    ['URLSearchParams', [new URLSearchParams({ grant_type: 'refresh_token', refresh_token: S })]],
    ['callback URL with state only', [`http://127.0.0.1:5555/callback?error=access_denied&state=${S}`]],
    ['fragment access_token', [`https://app.example/#access_token=${S}&token_type=bearer`]],
    ['nonce in JSON', [`{"nonce":"${S}"}`]],
    ['code_verifier in a nested object', [{ params: { code_verifier: S } }]],
    ['Bearer token with a label argument', ['Authorization:', `Bearer ${S}`]],
    ['Basic credentials', [`authorization: Basic ${S}==`]],
    ['cookie header', [`Cookie: _interaction=${S}; other=1`]],
  ];

  function loggedLine(args: unknown[]): string {
    const { sink, seen } = recordingLogger();
    withRedaction(sink).info(...args);
    return seen.map((call) => formatWithOptions({ breakLength: Infinity }, ...call)).join('\n');
  }

  it.each(forms)('%s', (_form, args) => {
    const line = loggedLine(args);
    expect(line).not.toContain(S);
  });

  it('keeps what is not a secret around the secrets', () => {
    expect(loggedLine([`token=${S}&token_type_hint=refresh_token`])).toBe(
      `token=${REDACTED}&token_type_hint=refresh_token`,
    );
    expect(loggedLine(['refresh_token:', S])).toBe(`refresh_token: ${REDACTED}`);
    expect(loggedLine([{ code: 'NETWORK', expiresAt: 5, tokenType: 'Bearer' }])).toBe(
      "{ code: 'NETWORK', expiresAt: 5, tokenType: 'Bearer' }",
    );
    for (const text of [
      'session: access token renewed',
      'session: background discovery failed (NETWORK)',
      'grant_type=refresh_token&client_id=latchkey-desktop',
      'refresh failed: code: ECONNRESET, status: 503',
      'IPC latchkey:updateMetadata refused: sender is not the app window',
    ]) {
      expect(loggedLine([text])).toBe(text);
    }
  });

  it('the file logger redacts the formatted line too, for every form', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-log-'));
    try {
      const filePath = join(dir, 'main.log');
      const log = createFileLogger({ filePath, level: 'debug' });
      // Each form as the app would log it, alone on its line (a label first would change `%s`).
      for (const [, args] of forms) log.info(...args);
      log.info('[last line]');
      let text = '';
      for (let i = 0; i < 100 && !text.includes('[last line]'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        text = await readFile(filePath, 'utf8').catch(() => '');
      }
      expect(text).toContain('[last line]');
      const leaking = text.split('\n').filter((line) => line.includes(S));
      expect(leaking).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
