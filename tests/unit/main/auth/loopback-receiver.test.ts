import { connect, type Socket } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startLoopbackReceiver,
  type LoopbackReceiver,
  CALLBACK_PAGE_CSP,
  CALLBACK_PAGE_HEADERS,
  errorPage,
  serveSignedOutPage,
  successPage,
} from '../../../../main/auth/loopback-receiver';
import { isLatchkeyError } from '../../../../main/errors';
import { createHash } from 'node:crypto';

/** The receiver alone, over real sockets on 127.0.0.1 (no provider needed for these behaviours). */

const STATE = 'state-of-this-attempt-0123456789abcdefghijk';
let receiver: LoopbackReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A raw HTTP/1.1 exchange, so that Host headers and pre-opened connections are under the test's control. */
function rawRequest(port: number, request: string, socket?: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = socket ?? connect(port, '127.0.0.1');
    let data = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk) => (data += chunk));
    conn.on('end', () => resolve(data));
    conn.on('error', reject);
    conn.write(request);
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('startLoopbackReceiver', () => {
  it('listens on 127.0.0.1 only, on an ephemeral port, at /callback', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.redirectUri).toBe(`http://127.0.0.1:${receiver.port}/callback`);
    // Not on the IPv6 loopback, nor under another name for this host.
    await expect(fetch(`http://[::1]:${receiver.port}/callback?state=${STATE}`)).rejects.toThrow(TypeError);
  });

  it('resolves with the first callback carrying its state and answers it with the success page once finished', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    const url = await receiver.callback;
    expect(url.searchParams.get('code')).toBe('abc');
    expect(url.origin + url.pathname).toBe(receiver.redirectUri);
    await receiver.finish({ ok: true });
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toContain("You're signed in — return to Latchkey");
  });

  it('a pasted callback address with a wrong state is refused by the same rule and changes nothing; the right one is accepted', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    let settled = false;
    void receiver.callback.then(
      () => (settled = true),
      () => (settled = true),
    );
    const refused = (text: string) => {
      try {
        receiver!.submitPasted(text);
      } catch (error) {
        return isLatchkeyError(error) ? `${error.code}: ${error.message}` : 'not a LatchkeyError';
      }
      return 'accepted';
    };
    expect(refused(`${receiver.redirectUri}?code=abc&state=not-this-attempt`)).toBe(
      'LOGIN_REJECTED: This sign-in response does not belong to the sign-in Latchkey is waiting for. Nothing was changed.',
    );
    expect(refused(`${receiver.redirectUri}?code=abc`)).toMatch(
      /^LOGIN_REJECTED: This sign-in response does not belong/,
    );
    expect(refused(`http://127.0.0.1:1/callback?code=abc&state=${STATE}`)).toBe(
      'LOGIN_REJECTED: This is not a Latchkey sign-in address.',
    );
    expect(refused(`${receiver.redirectUri.replace('/callback', '/other')}?state=${STATE}`)).toMatch(
      /not a Latchkey sign-in address/,
    );
    expect(refused('not an address')).toMatch(/^LOGIN_REJECTED: That is not a web address/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    // Still listening: the browser's request would still be accepted, and so is the right paste.
    expect(refused(`  ${receiver.redirectUri}?code=abc&state=${STATE}  `)).toBe('accepted');
    const url = await receiver.callback;
    expect(url.searchParams.get('code')).toBe('abc');
    // Once accepted, a second paste (or request) changes nothing.
    expect(refused(`${receiver.redirectUri}?code=other&state=${STATE}`)).toMatch(
      /not waiting for a sign-in response/,
    );
    await receiver.finish({ ok: true });
  });

  it('answers the held callback with the error page (escaped) when finished with a failure', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    await receiver.finish({ ok: false, message: 'The provider said <b>no</b>.' });
    const response = await answer;
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('The provider said &lt;b&gt;no&lt;/b&gt;.');
    expect(html).not.toContain('<b>');
  });

  it('answers a request on a connection opened before the callback with an error page, and changes nothing', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    // Browsers pre-open connections; one may carry a second request after the port stopped listening.
    const early = await openSocket(receiver.port);
    const first = fetch(`${receiver.redirectUri}?code=first&state=${STATE}`);
    const url = await receiver.callback;
    const second = await rawRequest(
      receiver.port,
      `GET /callback?code=second&state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n\r\n`,
      early,
    );
    expect(second).toMatch(/^HTTP\/1\.1 409/);
    expect(second).toContain('already handled');
    expect(url.searchParams.get('code')).toBe('first');
    await receiver.finish({ ok: true });
    expect((await first).status).toBe(200);
  });

  it('refuses a request with a foreign Host header (DNS rebinding) and keeps waiting', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = await rawRequest(
      receiver.port,
      `GET /callback?code=x&state=${STATE} HTTP/1.1\r\nHost: rebound.example:${receiver.port}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const settled = await Promise.race([
      receiver.callback.then(() => 'settled'),
      new Promise((r) => setTimeout(r, 50, 'waiting')),
    ]);
    expect(settled).toBe('waiting');
  });

  it('refuses a request target that names another host (//elsewhere/callback) and keeps waiting', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = await rawRequest(
      receiver.port,
      `GET //elsewhere.example/callback?code=x&state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    const settled = await Promise.race([
      receiver.callback.then(() => 'settled'),
      new Promise((r) => setTimeout(r, 50, 'waiting')),
    ]);
    expect(settled).toBe('waiting');
  });

  it('listens on the first free one of its fixed ports, in order, and names exactly that port in the redirect URI', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    try {
      receiver = await startLoopbackReceiver({
        expectedState: STATE,
        timeoutMs: 5_000,
        ports: [taken, free],
      });
      expect(receiver.port).toBe(free);
      expect(receiver.redirectUri).toBe(`http://127.0.0.1:${free}/callback`);
      await receiver.close();

      const error = await startLoopbackReceiver({
        expectedState: STATE,
        timeoutMs: 5_000,
        ports: [taken],
      }).catch((caught: unknown) => caught);
      expect(isLatchkeyError(error, 'LOOPBACK_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toContain(`port ${taken} on 127.0.0.1 is in use`);
      expect((error as Error).message).toContain('"redirectPorts"');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('rejects LOGIN_CANCELLED at once when the signal is already aborted, without listening', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await startLoopbackReceiver({
      expectedState: STATE,
      timeoutMs: 5_000,
      signal: controller.signal,
    }).catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOGIN_CANCELLED')).toBe(true);
  });

  it('close() is idempotent and rejects a pending callback with LOGIN_CANCELLED', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    await Promise.all([receiver.close(), receiver.close()]);
    const error = await receiver.callback.catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOGIN_CANCELLED')).toBe(true);
    await expect(fetch(receiver.redirectUri)).rejects.toThrow(TypeError);
  });
});

describe('loopback pages', () => {
  const pages = { success: successPage(), error: errorPage('Something <script>alert(1)</script> happened') };

  it.each(Object.entries(pages))(
    'the %s page has no script, no external resource and no link',
    (_name, html) => {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son\w+=/i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<(a|img|link|iframe|form)\b/i);
    },
  );

  it('escapes the message of the error page', () => {
    expect(pages.error).toContain('Something &lt;script&gt;alert(1)&lt;/script&gt; happened');
  });

  it('the success page tells the person to return to Latchkey', () => {
    expect(successPage()).toContain("You're signed in — return to Latchkey");
  });

  it('the CSP allows nothing but the one inline stylesheet, by its hash', () => {
    const style = /<style>([^<]*)<\/style>/.exec(successPage())?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(CALLBACK_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(CALLBACK_PAGE_CSP).not.toContain('unsafe');
  });

  it('is never cached and never sends a referrer (the URL holds the code)', () => {
    expect(CALLBACK_PAGE_HEADERS['Cache-Control']).toBe('no-store');
    expect(CALLBACK_PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('serveSignedOutPage', () => {
  it('serves the signed-out page on the first free fixed port, once, and nothing else', async () => {
    const returnTo = await serveSignedOutPage([0]);
    expect(returnTo).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/signed-out$/);
    const other = await fetch(new URL('/callback', returnTo));
    expect(other.status).toBe(404);
    const page = await fetch(returnTo!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You're signed out of the provider");
    // Shown once: the port is free again for the next sign-in.
    await expect(fetch(returnTo!)).rejects.toThrow();
  });

  it('without fixed ports there is no page to return to', async () => {
    expect(await serveSignedOutPage([])).toBeUndefined();
  });
});
