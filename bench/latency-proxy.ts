/**
 * An HTTP proxy in front of the local provider that delays every request by a fixed latency and
 * records it (method and path), so each benchmark scenario can say how many network round trips
 * stand on its critical path and what they cost on a real network.
 *
 *   const proxy = await startLatencyProxy({ latencyMs: 100 });
 *   const idp = await startIdpProcess({ issuerUrl: proxy.url });   // the provider believes it lives there
 *   proxy.setTarget(idp.port);
 *
 * HTTP-aware rather than TCP-level on purpose: clients keep connections alive, so a per-connection
 * delay would charge the first request only. Here every request waits `latencyMs` before it is
 * forwarded, whatever connection it came on: one simulated round trip per request.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ProxiedRequest {
  method: string;
  /** Path without the query string (the query may carry codes or tokens). */
  path: string;
  /** performance.now() when the request reached the proxy, before the added latency. */
  at: number;
}

export interface LatencyProxy {
  readonly port: number;
  /** `http://127.0.0.1:PORT`: the issuer the provider is told to announce. */
  readonly url: string;
  readonly latencyMs: number;
  setTarget(port: number): void;
  /** Requests recorded since start (or the last `clear`), in arrival order. */
  readonly log: readonly ProxiedRequest[];
  clear(): void;
  /**
   * Runs `work` with no added latency and nothing recorded: the benchmark's own setup (seeding a
   * session, revoking a token) must neither cost time nor count as the app's requests.
   */
  quietly<T>(work: () => Promise<T>): Promise<T>;
  /** Changes the latency from now on. */
  setLatency(ms: number): void;
  /**
   * Resolves once no request has been in flight for `quietMs`: work the app started in the
   * background after the previous step (e.g. a discovery refresh) is over before the next step's
   * window opens, so it is not counted on that step's critical path.
   */
  settled(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

export function forwardableHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    result[name] = value;
  }
  return result;
}

export function pathOf(rawUrl: string | undefined): string {
  const url = rawUrl ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export async function startLatencyProxy(options: { latencyMs: number }): Promise<LatencyProxy> {
  let latencyMs = options.latencyMs;
  let targetPort = 0;
  let quiet = 0;
  let inFlight = 0;
  let lastActivity = performance.now();
  const log: ProxiedRequest[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const sockets = new Set<Socket>();

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: forwardableHeaders(req.headers),
        agent,
      },
      (answer) => {
        const headers = forwardableHeaders(answer.headers);
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`latency-proxy: ${error.message}`);
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
  }

  const server = createServer((req, res) => {
    inFlight += 1;
    lastActivity = performance.now();
    res.once('close', () => {
      inFlight -= 1;
      lastActivity = performance.now();
    });
    const delay = quiet > 0 ? 0 : latencyMs;
    if (quiet === 0) log.push({ method: req.method ?? 'GET', path: pathOf(req.url), at: performance.now() });
    // The request body stays buffered in the socket until it is piped, after the delay.
    if (delay > 0) setTimeout(() => forward(req, res), delay);
    else forward(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get latencyMs() {
      return latencyMs;
    },
    setTarget(next) {
      targetPort = next;
    },
    log,
    clear() {
      log.length = 0;
    },
    async quietly(work) {
      quiet += 1;
      try {
        return await work();
      } finally {
        quiet -= 1;
      }
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async settled(quietMs = 50) {
      while (inFlight > 0 || performance.now() - lastActivity < quietMs) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}
