import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forwardableHeaders,
  pathOf,
  startLatencyProxy,
  type LatencyProxy,
} from '../../../bench/latency-proxy';

/** A real HTTP server standing in for the provider: echoes the method, path, body and headers. */
let upstream: Server;
let proxy: LatencyProxy;
const LATENCY = 80;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, body, headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startLatencyProxy({ latencyMs: LATENCY });
  proxy.setTarget((upstream.address() as AddressInfo).port);
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

describe('latency proxy', () => {
  it('delays each request, even on a kept-alive connection, and records method and path', async () => {
    proxy.clear();
    for (let index = 0; index < 2; index += 1) {
      const started = performance.now();
      const response = await fetch(`${proxy.url}/token?code=secret`, { method: 'POST', body: 'a=1' });
      const echoed = (await response.json()) as { method: string; url: string; body: string };
      expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY - 2);
      expect(echoed).toMatchObject({ method: 'POST', url: '/token?code=secret', body: 'a=1' });
    }
    expect(proxy.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['POST /token', 'POST /token']);
  });

  it('keeps the Host the client used, so the provider sees its announced issuer', async () => {
    const response = await fetch(`${proxy.url}/.well-known/openid-configuration`);
    const echoed = (await response.json()) as { headers: Record<string, string> };
    expect(echoed.headers.host).toBe(new URL(proxy.url).host);
  });

  it('adds nothing and records nothing for the benchmark’s own setup', async () => {
    proxy.clear();
    const elapsed = await proxy.quietly(async () => {
      const started = performance.now();
      await (await fetch(`${proxy.url}/me`)).text();
      return performance.now() - started;
    });
    expect(elapsed).toBeLessThan(LATENCY);
    expect(proxy.log).toHaveLength(0);
  });

  it('settles only once the requests in flight are answered and the line has been quiet', async () => {
    const inFlight = fetch(`${proxy.url}/.well-known/openid-configuration`).then((response) =>
      response.text(),
    );
    const started = performance.now();
    await proxy.settled(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY + 30 - 5);
    await inFlight;
  });

  it('answers 502 when the provider is not there', async () => {
    const lonely = await startLatencyProxy({ latencyMs: 0 });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    lonely.setTarget(port);
    const response = await fetch(`${lonely.url}/me`);
    expect(response.status).toBe(502);
    await lonely.close();
  });
});

describe('proxy helpers', () => {
  it('drops the query from recorded paths (it may carry codes)', () => {
    expect(pathOf('/auth?code=abc&state=x')).toBe('/auth');
    expect(pathOf(undefined)).toBe('/');
  });
  it('does not forward hop-by-hop headers (RFC 9110 §7.6.1)', () => {
    expect(
      forwardableHeaders({
        host: 'h',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'content-type': 'x',
      }),
    ).toEqual({ host: 'h', 'content-type': 'x' });
  });
});
