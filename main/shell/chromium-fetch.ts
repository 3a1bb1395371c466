import { Readable } from 'node:stream';

/**
 * `fetch` over Chromium's network stack, for the requests main makes to the provider (openid-client's
 * customFetch) and its users API. (Picture hosts are not among them: main/avatar.ts checks the
 * addresses a host resolves to before it connects, which needs Node's own client.) Node's own fetch ignores the OS
 * proxy settings (no system proxy, PAC or WPAD) and trusts only the CA list built into Node, so behind
 * a corporate proxy or a TLS-inspecting firewall sign-in failed although the login page worked in
 * the browser. Electron's `net` module uses Chromium's stack: "Automatic management of system proxy
 * configuration, support of the wpad protocol and proxy pac configuration files"
 * (https://www.electronjs.org/docs/latest/api/net), and Chromium's certificate verifier.
 *
 * Electron's `net.fetch` differs from WHATWG fetch (and Node's) where the callers depend on it; this
 * adapter closes exactly those gaps, so the callers keep taking a plain `fetch` and their tests stay
 * as they are:
 * - `redirect: 'manual'` (openid-client sends it with every request): net.fetch rejects with "Redirect was cancelled" instead of
 *   answering with the redirect (electron/electron#43715, closed as "working as documented"). Those
 *   requests go through `net.request`, whose 'redirect' event carries the status and headers, and are
 *   answered with a Response holding the 3xx status and its headers (Location included), as Node's
 *   fetch does (https://www.electronjs.org/docs/latest/api/client-request#event-redirect).
 * - network failures: net.fetch rejects with a plain `Error('net::ERR_…')`; WHATWG fetch rejects with
 *   a TypeError (https://fetch.spec.whatwg.org/#dom-global-fetch), which is what main/auth/errors.ts
 *   and main/account/ read as "the network failed" (and so keep the session). The adapter rejects with
 *   `TypeError('fetch failed', { cause })` like Node's fetch; an abort or timeout keeps its reason.
 * - cookies: Node's fetch has no cookie jar; net.fetch's default ('same-origin' without an origin
 *   becomes 'include', electron/electron lib/browser/api/net-fetch.ts) would send and store the app
 *   session's cookies. Credentials are 'omit' unless the caller asks for 'include'.
 * - `net` "can be used only after the application emits the `ready` event"; a call before then throws
 *   synchronously in Electron and rejects here, like any other failure to fetch.
 * Plain Node: main/electron/app.ts passes Electron's `net.fetch` and `net.request`.
 */

/**
 * The part of Electron's ClientRequest (https://www.electronjs.org/docs/latest/api/client-request)
 * used here. `on` is typed loosely, as Electron's own overloads are per event; the listeners below
 * are typed with each event's documented arguments.
 */
export interface NetClientRequest {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  setHeader(name: string, value: string): void;
  write(chunk: Buffer): unknown;
  end(): unknown;
  abort(): void;
}

/** Electron's IncomingMessage: a Node Readable with the response head. */
interface NetIncomingMessage extends Readable {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string | string[]>;
}

export interface NetRequestOptions {
  method: string;
  url: string;
  redirect: 'manual';
  credentials: 'include' | 'omit';
  referrerPolicy: Request['referrerPolicy'];
}

/** Electron's `net`, as far as this adapter uses it. */
export interface ChromiumNet {
  fetch(input: string | Request, init?: RequestInit): Promise<Response>;
  request(options: NetRequestOptions): NetClientRequest;
}

/** Statuses whose response has no body (Fetch standard "null body status"), and HEAD. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export function createChromiumFetch(net: ChromiumNet): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ?? undefined;
    try {
      const request = new Request(input instanceof URL ? input.href : input, {
        ...init,
        credentials: init?.credentials === 'include' ? 'include' : 'omit',
      });
      if (request.redirect === 'manual') return await fetchManualRedirect(net, request);
      return await net.fetch(request);
    } catch (error) {
      throw asFetchFailure(error, signal);
    }
  };
}

/** WHATWG fetch rejects a network failure with a TypeError; an abort keeps its reason. */
function asFetchFailure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof TypeError) return error;
  if (signal?.aborted && error === signal.reason) return error;
  if (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return error;
  return new TypeError('fetch failed', { cause: error });
}

/**
 * One request through `net.request` with redirect 'manual': the response as is, or the redirect
 * answered as a Response with its 3xx status and headers (the request is aborted, not followed).
 * Modelled on Electron's own net.fetch (electron/electron lib/browser/api/net-fetch.ts), plus the
 * 'redirect' event.
 */
async function fetchManualRedirect(net: ChromiumNet, request: Request): Promise<Response> {
  const signal = request.signal;
  if (signal.aborted) throw abortReason(signal);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  if (signal.aborted) throw abortReason(signal);

  return new Promise<Response>((resolve, reject) => {
    const outgoing = net.request({
      method: request.method,
      url: request.url,
      redirect: 'manual',
      credentials: request.credentials === 'include' ? 'include' : 'omit',
      referrerPolicy: request.referrerPolicy,
    });
    const onAbort = () => {
      reject(abortReason(signal));
      outgoing.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    outgoing.on('response', (incoming: NetIncomingMessage) => {
      settle();
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers))
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const noBody = NULL_BODY_STATUS.has(incoming.statusCode) || request.method === 'HEAD';
      resolve(
        new Response(noBody ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
          status: incoming.statusCode,
          statusText: incoming.statusMessage,
          headers,
        }),
      );
    });
    // Not following means not calling followRedirect() during the event; aborting here (rather than
    // letting Electron cancel it) keeps the request from failing with "Redirect was cancelled".
    const onRedirect = (
      statusCode: number,
      _method: string,
      redirectUrl: string,
      responseHeaders: Record<string, string[]>,
    ) => {
      settle();
      const headers = new Headers();
      for (const [name, values] of Object.entries(responseHeaders))
        for (const value of values) headers.append(name, value);
      if (!headers.has('location')) headers.set('location', redirectUrl);
      resolve(new Response(null, { status: statusCode, headers }));
      outgoing.abort();
    };
    outgoing.on('redirect', onRedirect);
    outgoing.on('error', (error: Error) => {
      settle();
      reject(error);
    });

    for (const [name, value] of request.headers) outgoing.setHeader(name, value);
    if (body) outgoing.write(body);
    outgoing.end();
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
