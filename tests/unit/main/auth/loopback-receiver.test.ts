import { connect, type Socket } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    expect(refused(`${receiver.redirectUri}?code=other&state=${STATE}`)).toBe(
      'LOGIN_REJECTED: Latchkey is not waiting for a sign-in response any more.',
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

describe('the end of an attempt', () => {
  /** Whether anything still listens on the port (a refused connection says it is closed). */
  async function listening(port: number): Promise<boolean> {
    return fetch(`http://127.0.0.1:${port}/callback`).then(
      () => true,
      () => false,
    );
  }

  it.each([
    [
      'another method',
      (port: number) =>
        `POST /callback?state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\n\r\n`,
      405,
      'only accepts the browser',
    ],
    [
      'another path',
      (port: number) => `GET /elsewhere?state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      404,
      'not a Latchkey sign-in address',
    ],
    [
      'a wrong state',
      (port: number) => `GET /callback?code=x&state=${STATE}x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      400,
      'does not belong to the sign-in',
    ],
    [
      'no state',
      (port: number) => `GET /callback?code=x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      400,
      'does not belong to the sign-in',
    ],
  ])(
    'a request with %s gets an error page, and the attempt keeps waiting for the real callback',
    async (_name, request, status, words) => {
      receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
      const answer = await rawRequest(receiver.port, request(receiver.port));
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status}`));
      expect(answer).toContain(words);
      if (status === 405) expect(answer).toMatch(/\r\nAllow: GET\r\n/i);
      const real = fetch(`${receiver.redirectUri}?code=real&state=${STATE}`);
      expect((await receiver.callback).searchParams.get('code')).toBe('real');
      await receiver.finish({ ok: true });
      expect((await real).status).toBe(200);
    },
  );

  it('nobody comes back in time: LOGIN_TIMEOUT, and the port is closed', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 100 });
    const error = await receiver.callback.catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOGIN_TIMEOUT')).toBe(true);
    expect((error as Error).message).toContain('Nobody came back from the browser in time');
    expect(await listening(receiver.port)).toBe(false);
  });

  it('a cancel while waiting: LOGIN_CANCELLED, and the port is closed', async () => {
    const controller = new AbortController();
    receiver = await startLoopbackReceiver({
      expectedState: STATE,
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    controller.abort();
    const error = await receiver.callback.catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOGIN_CANCELLED')).toBe(true);
    expect(await listening(receiver.port)).toBe(false);
  });

  it('the callback, once accepted, is neither timed out nor cancelled by the wait ending', async () => {
    const controller = new AbortController();
    receiver = await startLoopbackReceiver({
      expectedState: STATE,
      timeoutMs: 2_000,
      signal: controller.signal,
    });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    // The code exchange takes longer than the wait for the browser, and the sign-in is cancelled
    // meanwhile: the held request still gets the answer the exchange decides.
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    controller.abort();
    await receiver.finish({ ok: true });
    expect((await answer).status).toBe(200);
  });

  it('stopped during the code exchange (a cancel or timeout of the sign-in): the browser is told so, then the port closes', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    await receiver.close();
    const response = await answer;
    expect(response.status).toBe(400);
    expect(response.headers.get('content-security-policy')).toBe(CALLBACK_PAGE_CSP);
    const html = await response.text();
    expect(html).toContain('Sign-in did not complete');
    expect(html).toContain('Sign-in was stopped in Latchkey.');
    expect(html).not.toContain("You're signed in");
    // A finish after the stop changes nothing: the browser already has its page.
    await receiver.finish({ ok: true });
    expect(await listening(receiver.port)).toBe(false);
  });
});

describe('where the receiver cannot listen', () => {
  async function squat(): Promise<{ port: number; release: () => Promise<unknown> }> {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    return {
      port: (squatter.address() as AddressInfo).port,
      release: () => new Promise((resolve) => squatter.close(resolve)),
    };
  }

  it('every fixed port taken: one error naming them all, asking to close the apps using them', async () => {
    const [a, b] = [await squat(), await squat()];
    try {
      const error = await startLoopbackReceiver({
        expectedState: STATE,
        timeoutMs: 5_000,
        ports: [a.port, b.port],
      }).catch((caught: unknown) => caught);
      expect(isLatchkeyError(error, 'LOOPBACK_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toContain(`ports ${a.port}, ${b.port} on 127.0.0.1 are all in use`);
      expect((error as Error).message).toContain('Close the app using them');
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  });

  it('a port that cannot be listened on at all (not "in use") fails at once with its reason', async () => {
    const error = await startLoopbackReceiver({
      expectedState: STATE,
      timeoutMs: 5_000,
      ports: [70_000, 0],
    }).catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOOPBACK_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('cannot listen on 127.0.0.1 (ERR_SOCKET_BAD_PORT)');
  });
});

describe('the held request and the port', () => {
  it('once the callback is accepted, the port takes no new connection', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    await expect(fetch(`${receiver.redirectUri}?code=again&state=${STATE}`)).rejects.toThrow(TypeError);
    await receiver.finish({ ok: true });
    expect((await answer).status).toBe(200);
  });

  it('a cancel that lands while the port is being bound still cancels the attempt', async () => {
    const controller = new AbortController();
    const starting = startLoopbackReceiver({
      expectedState: STATE,
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    controller.abort();
    receiver = await starting;
    const error = await receiver.callback.catch((caught: unknown) => caught);
    expect(isLatchkeyError(error, 'LOGIN_CANCELLED')).toBe(true);
  });

  it('finish before any callback arrived closes the receiver without an answer to give', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    await expect(receiver.finish({ ok: false, message: 'gave up' })).resolves.toBeUndefined();
    await expect(fetch(receiver.redirectUri)).rejects.toThrow(TypeError);
  });

  it('every answer is HTML that may not be sniffed, framed or cached', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    await receiver.finish({ ok: false, message: `Tom & "Jerry's" <b>` });
    const response = await answer;
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.text()).toContain('Tom &amp; &quot;Jerry&#39;s&quot; &lt;b&gt;');
  });
});

describe('a connection that never finishes its request (slow loris)', () => {
  it('is cut off with 408 after the 10 s bound, and the attempt still takes the real callback', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 25_000 });
    const socket = await openSocket(receiver.port);
    // Headers that never end: without the bound the port stays held for Node's 5 minutes.
    const answer = rawRequest(
      receiver.port,
      `GET /callback?state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n`,
      socket,
    );
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
    const real = fetch(`${receiver.redirectUri}?code=real&state=${STATE}`);
    expect((await receiver.callback).searchParams.get('code')).toBe('real');
    await receiver.finish({ ok: true });
    expect((await real).status).toBe(200);
  }, 25_000);
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

  it('answers nothing but a GET of the page: a form posting to it gets "not part of Latchkey"', async () => {
    const returnTo = await serveSignedOutPage([0]);
    const posted = await fetch(returnTo!, { method: 'POST', body: 'x=1' });
    expect(posted.status).toBe(404);
    expect(await posted.text()).toContain('This page is not part of Latchkey.');
    // Still there for the browser coming back from the provider.
    expect((await fetch(returnTo!)).status).toBe(200);
  });

  it('stops serving once its lifetime is over, shown or not', async () => {
    const returnTo = await serveSignedOutPage([0], 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(fetch(returnTo!)).rejects.toThrow();
  });

  it('leaves no timer behind once the page has been shown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const returnTo = await serveSignedOutPage([0]);
      expect(vi.getTimerCount()).toBe(1);
      expect((await fetch(returnTo!)).status).toBe(200);
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(0), { interval: 10, timeout: 2_000 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('without fixed ports there is no page to return to', async () => {
    expect(await serveSignedOutPage([])).toBeUndefined();
  });
});

describe('closing with other connections open', () => {
  it('a connection still sending its request when the sign-in ends is cut at once, not left to its 10 s bound', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const trickling = await openSocket(receiver.port);
    // Headers that never end: the connection stays busy until it is cut.
    const heard = rawRequest(
      receiver.port,
      `GET /callback?state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n`,
      trickling,
    );
    const answer = fetch(`${receiver.redirectUri}?code=abc&state=${STATE}`);
    await receiver.callback;
    await receiver.finish({ ok: true });
    expect((await answer).status).toBe(200);
    // Cut by the close, not answered "408 Request Timeout" ten seconds later.
    expect(await heard).toBe('');
  });

  it('a browser that went away before the answer does not hold the closing up', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    const socket = await openSocket(receiver.port);
    socket.write(
      `GET /callback?code=abc&state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${receiver.port}\r\n\r\n`,
    );
    await receiver.callback;
    socket.destroy();
    // Long enough for the receiver to see the connection go.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // From here the receiver's timers are fake: a wait on one of them would never end by itself.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await receiver.finish({ ok: true });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ending a sign-in that is still waiting', () => {
  it('Cancel leaves no timer behind: the attempt stops waiting', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
      expect(vi.getTimerCount()).toBe(1);
      await receiver.close();
      expect(vi.getTimerCount()).toBe(0);
      await expect(receiver.callback).rejects.toMatchObject({ code: 'LOGIN_CANCELLED' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a pasted address copied with invisible spaces around it (a web page, a chat) is still accepted', async () => {
    receiver = await startLoopbackReceiver({ expectedState: STATE, timeoutMs: 5_000 });
    receiver.submitPasted(`\ufeff${receiver.redirectUri}?code=abc&state=${STATE}\u00a0\n`);
    expect((await receiver.callback).searchParams.get('state')).toBe(STATE);
    await receiver.finish({ ok: true });
  });
});

describe('the look of the pages', () => {
  it('styles only the failure page as an error (its heading in red)', () => {
    expect(errorPage('x')).toContain('<main class="error">');
    expect(successPage()).toContain('<main class="success">');
    expect(successPage()).not.toContain('class="error"');
  });
});
