import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatchkeyError, loginCancelled } from '../errors';

/**
 * The RFC 8252 §7.3 loopback redirect receiver for one sign-in attempt.
 *
 * - Bound to 127.0.0.1 only, never 0.0.0.0 or `localhost` (RFC 8252 §8.3: the literal IP avoids
 *   firewall prompts and name-resolution surprises), on an ephemeral port chosen by the OS, or on
 *   the first free one of the configured fixed ports (for providers that compare the redirect URI
 *   exactly, despite RFC 8252 §7.3). The redirect URI is then exactly
 *   `http://127.0.0.1:{port}/callback`.
 * - Open only during one attempt: closed after the callback, a cancel or a timeout.
 * - Only `GET /callback` with this attempt's `state` is accepted. Any other request (wrong or missing
 *   state, another path, another method, a foreign Host header) gets an error page and changes
 *   nothing: the attempt keeps waiting. RFC 8252 §8.1 warns that another local process may race the
 *   real callback; failing the attempt on the first stray request would hand such a process a
 *   denial of service, and accepting it would be worse. The real callback still wins, and a timeout
 *   or a cancel still ends the wait.
 * - The accepted request is held open until the caller has exchanged the code (`finish`), so the
 *   browser tab tells the truth: "signed in" only when the session really exists.
 */

const CALLBACK_PATH = '/callback';
const LOOPBACK_HOST = '127.0.0.1';

export interface LoopbackReceiverOptions {
  /** The `state` sent in this attempt's authorization request (RFC 6749 §10.12). */
  expectedState: string;
  /**
   * Fixed ports, tried in order: one in use (or not allowed) gives way to the next. Empty (default):
   * the OS picks a free port.
   */
  ports?: readonly number[];
  /** How long to wait for the browser; the callback then rejects LOGIN_TIMEOUT. */
  timeoutMs: number;
  /** Aborting rejects the callback with LOGIN_CANCELLED and closes the receiver. */
  signal?: AbortSignal;
}

export type CallbackOutcome = { ok: true } | { ok: false; message: string };

export interface LoopbackReceiver {
  readonly port: number;
  /** `http://127.0.0.1:{port}/callback` */
  readonly redirectUri: string;
  /**
   * The first callback carrying this attempt's state, as a URL (redirect URI + query). Rejects with
   * LOGIN_TIMEOUT or LOGIN_CANCELLED; the receiver is closed by then.
   */
  readonly callback: Promise<URL>;
  /** Answers the held callback request with the success or error page, then closes. */
  finish(outcome: CallbackOutcome): Promise<void>;
  /** Closes now (an unanswered callback gets the error page). Safe to call more than once. */
  close(): Promise<void>;
  /**
   * Takes the callback address the person pasted (the browser could not reach the port: a firewall),
   * judged by the same rule as a request; throws LOGIN_REJECTED and changes nothing when refused.
   */
  submitPasted(text: string): void;
}

function stateMatches(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(
  res: ServerResponse,
  status: number,
  html: string,
  extraHeaders: Record<string, string> = {},
): void {
  // Stryker disable next-line LogicalOperator: equivalent: send() is the only writer, and it sets both at once (writeHead, then end)
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, {
    ...CALLBACK_PAGE_HEADERS,
    'Content-Length': String(Buffer.byteLength(html)),
    ...extraHeaders,
  });
  res.end(html);
}

/** Resolves once the page is handed to the OS (or the browser went away), so closing loses nothing. */
function flushed(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(cap);
      resolve();
    };
    const cap = setTimeout(done, 2_000);
    res.once('finish', done);
    res.once('close', done);
  });
}

/**
 * A request gets 10 s to arrive whole (a connection trickling headers would hold the port). Node
 * enforces both bounds only when it checks its connections, every 30 s by default
 * (`connectionsCheckingInterval`, https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener):
 * checked every second, the bound is 10 s rather than up to 40.
 */
const LOOPBACK_SERVER_BOUNDS = {
  requestTimeout: 10_000,
  headersTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
} as const;

function listenOn(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error);
    server.once('error', onError);
    // exclusive: never share the port with another process through the cluster module.
    // Stryker disable next-line BooleanLiteral: equivalent in Latchkey, which runs no cluster: `exclusive` only decides whether cluster workers share a handle (https://nodejs.org/api/net.html#serverlistenoptions-callback)
    server.listen({ port, host: LOOPBACK_HOST, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Listens on the first of `ports` that can be had (Node allows listen() again after a failed one),
 * or on an ephemeral port when none is configured. A port in use or refused (EADDRINUSE, EACCES)
 * gives way to the next; when none is left, LOOPBACK_UNAVAILABLE names them all.
 */
async function listen(server: ReturnType<typeof createServer>, ports: readonly number[]): Promise<number> {
  const candidates = ports.length > 0 ? ports : [0];
  const refused: string[] = [];
  for (const port of candidates) {
    try {
      await listenOn(server, port);
      return (server.address() as AddressInfo).port;
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') {
        throw new LatchkeyError(
          'LOOPBACK_UNAVAILABLE',
          `Latchkey could not receive the sign-in response: cannot listen on 127.0.0.1 (${code ?? 'unknown error'}). Try again.`,
          { cause },
        );
      }
      refused.push(`${port}${code === 'EACCES' ? ' (not allowed)' : ''}`);
    }
  }
  const which =
    refused.length === 1
      ? `port ${refused[0]} on 127.0.0.1 is`
      : `ports ${refused.join(', ')} on 127.0.0.1 are all`;
  throw new LatchkeyError(
    'LOOPBACK_UNAVAILABLE',
    ports.length > 0
      ? `Latchkey could not receive the sign-in response: ${which} in use. Close the app using ${refused.length === 1 ? 'it' : 'them'}, or add another port to "redirectPorts" (and register its redirect address at the provider), then try again.`
      : `Latchkey could not receive the sign-in response: no port is free on 127.0.0.1. Try again.`,
  );
}

export async function startLoopbackReceiver(options: LoopbackReceiverOptions): Promise<LoopbackReceiver> {
  const { expectedState, signal, timeoutMs } = options;
  if (signal?.aborted) throw loginCancelled();

  let phase: 'waiting' | 'accepted' | 'closed' = 'waiting';
  let held: ServerResponse | undefined;
  let resolveCallback!: (url: URL) => void;
  let rejectCallback!: (error: LatchkeyError) => void;
  const callback = new Promise<URL>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // Rejections are the caller's to handle; this only keeps an early one from being reported as unhandled.
  callback.catch(() => undefined);

  let port = 0;
  const server = createServer(LOOPBACK_SERVER_BOUNDS, (req, res) => handle(req, res));
  server.maxHeadersCount = 50;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (phase !== 'waiting') {
      send(res, 409, errorPage('This sign-in response was already handled; a second one changes nothing.'));
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, errorPage('This address only accepts the browser coming back from signing in.'), {
        Allow: 'GET',
      });
      return;
    }
    // A page elsewhere that rebinds its DNS name to 127.0.0.1 would send its own Host: refuse it.
    if (req.headers.host !== `${LOOPBACK_HOST}:${port}`) {
      send(res, 400, errorPage('This request did not come from the sign-in page.'));
      return;
    }
    // Stryker disable next-line StringLiteral: equivalent: a request of an http.Server always has its url (https://nodejs.org/api/http.html#messageurl)
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${port}`);
    const refusal = judge(url);
    if (refusal) {
      send(res, refusal.status, errorPage(refusal.message));
      return;
    }
    held = res;
    accept(url);
  }

  /**
   * The one rule for a callback, whichever way it arrives (the browser's request, or the address the
   * person pasted because the browser could not reach this port): this receiver's origin and path,
   * and this attempt's state. Returns why not, or nothing when it is this attempt's callback.
   */
  function judge(url: URL): { status: number; message: string } | undefined {
    const origin = `http://${LOOPBACK_HOST}:${port}`;
    // `url.origin` guards against a request target like `//elsewhere/callback`, which parses to another host.
    if (url.origin !== origin || url.pathname !== CALLBACK_PATH) {
      return { status: 404, message: 'This is not a Latchkey sign-in address.' };
    }
    // RFC 6749 §10.12 / RFC 8252 §8.1: only the response to our own request carries our state.
    if (!stateMatches(url.searchParams.get('state'), expectedState)) {
      return {
        status: 400,
        message:
          'This sign-in response does not belong to the sign-in Latchkey is waiting for. Nothing was changed.',
      };
    }
    return undefined;
  }

  function accept(url: URL): void {
    // Stryker disable next-line StringLiteral: equivalent: the phase is only ever compared with 'waiting'
    phase = 'accepted';
    stopWaiting();
    // No new connections from here on: a second callback finds the port closed.
    server.close();
    resolveCallback(url);
  }

  /**
   * The callback address as the person pasted it, judged exactly like the browser's request (same
   * phase, same `judge`); refused, it changes nothing and the attempt keeps waiting.
   */
  function submitPasted(text: string): void {
    if (phase !== 'waiting')
      throw new LatchkeyError('LOGIN_REJECTED', 'Latchkey is not waiting for a sign-in response any more.');
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      throw new LatchkeyError(
        'LOGIN_REJECTED',
        'That is not a web address. Copy the whole address from your browser’s address bar.',
      );
    }
    const refusal = judge(url);
    if (refusal) throw new LatchkeyError('LOGIN_REJECTED', refusal.message);
    accept(url);
  }

  let timer: NodeJS.Timeout | undefined = undefined;
  const onAbort = () => {
    // Stryker disable next-line CallExpression: equivalent: close() rejects the callback the same way before its first await
    rejectCallback(loginCancelled());
    void close();
  };
  function stopWaiting(): void {
    // Stryker disable next-line ConditionalExpression: equivalent: clearTimeout(undefined) does nothing (https://nodejs.org/api/timers.html#cleartimeouttimeout)
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      // Stryker disable next-line StringLiteral: equivalent: the phase is only ever compared with 'waiting'
      phase = 'closed';
      stopWaiting();
      rejectCallback(loginCancelled());
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (held) {
        send(held, 400, errorPage('Sign-in was stopped in Latchkey.'));
        await flushed(held);
      }
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  }

  port = await listen(server, options.ports ?? []);
  timer = setTimeout(() => {
    rejectCallback(
      new LatchkeyError(
        'LOGIN_TIMEOUT',
        'Nobody came back from the browser in time. Start signing in again when you are ready.',
      ),
    );
    void close();
  }, timeoutMs);
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: an AbortSignal fires 'abort' at most once
  signal?.addEventListener('abort', onAbort, { once: true });
  // The abort may have happened while we were binding the port.
  if (signal?.aborted) onAbort();

  return {
    port,
    redirectUri: `http://${LOOPBACK_HOST}:${port}${CALLBACK_PATH}`,
    callback,
    finish: async (outcome) => {
      if (held) {
        if (outcome.ok) send(held, 200, successPage());
        else send(held, 400, errorPage(outcome.message));
      }
      await close();
    },
    close,
    submitPasted,
  };
}

// ---- the pages the browser shows at the end of a sign-in ----------------------------------------

/**
 * The two pages the browser shows at the end of a sign-in, served by the loopback receiver.
 * Self-contained: no script at all, no external font, image or link, one inline stylesheet allowed by
 * its hash. The page sits on a URL that carried the authorization code, so nothing on it may make a
 * request or leak a referrer.
 */

const STYLE =
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f4f5;color:#18181b;' +
  'margin:0;padding:64px 16px}main{max-width:420px;margin:0 auto;background:#fff;border-radius:8px;' +
  'padding:28px 32px;box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin:0 0 12px}' +
  'p{line-height:1.5;margin:0 0 8px}.error h1{color:#991b1b}';

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Nothing may load, run, frame, submit or navigate from these pages; only the one stylesheet applies. */
export const CALLBACK_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every loopback response. `no-store` and `no-referrer`: the URL holds the code (RFC 9700 §4.2.4). */
export const CALLBACK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': CALLBACK_PAGE_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // One request per connection: the receiver closes right after the callback; a kept-alive socket
  // would keep the port reachable.
  Connection: 'close',
};

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, body: string, variant: 'success' | 'error'): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${variant}">
${body}
</main>
</body>
</html>
`;
}

/** Where the provider's logout sends the browser back (registered under Allowed Logout URLs on Auth0). */
export const SIGNED_OUT_PATH = '/signed-out';
/** How long the signed-out page is served: the provider's logout is one redirect away. */
const SIGNED_OUT_PAGE_MS = 2 * 60_000;

/**
 * Serves the page the provider's logout returns the browser to, `http://127.0.0.1:{port}/signed-out`
 * on the first free fixed port, for a short while (two minutes, or until it has been shown once).
 * Auth0's /v2/logout takes `returnTo` only from the Allowed Logout URLs
 * (https://auth0.com/docs/api/authentication/logout/auth-0-logout), which compare exactly, so it
 * needs the same fixed ports as the callback. Undefined when no fixed port is free or configured.
 */
export async function serveSignedOutPage(
  ports: readonly number[],
  lifetimeMs = SIGNED_OUT_PAGE_MS,
): Promise<string | undefined> {
  if (ports.length === 0) return undefined;
  const server = createServer(LOOPBACK_SERVER_BOUNDS, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET' || path !== SIGNED_OUT_PATH) {
      send(res, 404, errorPage('This page is not part of Latchkey.'));
      return;
    }
    send(res, 200, signedOutPage());
    void flushed(res).then(() => server.close());
  });
  let port: number;
  try {
    port = await listen(server, ports);
  } catch {
    return undefined;
  }
  const timer = setTimeout(() => server.close(), lifetimeMs);
  // Neither the timer nor the server keeps Latchkey from quitting within the two minutes.
  // Stryker disable next-line CallExpression: not observable in a test process: unref only lets the process exit
  timer.unref();
  server.once('close', () => clearTimeout(timer));
  // Stryker disable next-line CallExpression: not observable in a test process: unref only lets the process exit
  server.unref();
  return `http://${LOOPBACK_HOST}:${port}${SIGNED_OUT_PATH}`;
}

const SIGNED_OUT_TITLE = "You're signed out of the provider — return to Latchkey";

export function signedOutPage(): string {
  return layout(
    SIGNED_OUT_TITLE,
    `<h1>You're signed out of the provider</h1>
<p>Your browser no longer holds a session there. You can close this tab and go back to Latchkey.</p>`,
    'success',
  );
}

const SUCCESS_TITLE = "You're signed in — return to Latchkey";

export function successPage(): string {
  return layout(
    SUCCESS_TITLE,
    `<h1>You're signed in — return to Latchkey</h1>
<p>Latchkey has your session. You can close this tab and go back to the app.</p>`,
    'success',
  );
}

const ERROR_TITLE = 'Sign-in did not complete — Latchkey';

/** `message` is text for a person (never a token or code); it is escaped here. */
export function errorPage(message: string): string {
  return layout(
    ERROR_TITLE,
    `<h1>Sign-in did not complete</h1>
<p>${escapeHtml(message)}</p>
<p>Return to Latchkey to try again. You can close this tab.</p>`,
    'error',
  );
}
