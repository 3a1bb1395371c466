import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChromiumFetch, type ChromiumNet } from '../../../../main/shell/chromium-fetch';
import { createFakeNet } from '../../../fixtures/fake-electron';

/**
 * The adapter against a real local HTTP server, with Electron's `net` played by tests/fixtures/fake-electron.ts
 * (the Electron binary cannot run here): net.request over Node's http following Electron's documented
 * ClientRequest redirect contract, net.fetch failing as Electron's does (a plain Error, and no answer
 * at all for redirect 'manual').
 */

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let server: Server;
let base: string;
const seen: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }> = [];
const closedRequests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (path === '/redirect') {
        res.writeHead(302, { location: '/image', 'x-hop': '1' }).end();
      } else if (path === '/image') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
      } else if (path === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      } else if (path === '/hang') {
        res.on('close', () => closedRequests.push(path));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

function setup() {
  const net = createFakeNet();
  return { net, fetch: createChromiumFetch(net as unknown as ChromiumNet) };
}

async function closedPort(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('createChromiumFetch', () => {
  it('redirect "manual" is answered with the 3xx, its Location and headers, not a rejection, and not followed', async () => {
    const { net, fetch } = setup();
    const response = await fetch(`${base}/redirect`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/image');
    expect(response.headers.get('x-hop')).toBe('1');
    expect(await response.text()).toBe('');
    expect(net.request).toHaveBeenCalledTimes(1);
    expect(net.fetch).not.toHaveBeenCalled();
    expect(seen.map((request) => request.path)).toEqual(['/redirect']);
  });

  it('a request as openid-client sends it (POST, form body, headers, redirect "manual") arrives as sent', async () => {
    const { fetch } = setup();
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1' }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', body: 'grant_type=refresh_token&refresh_token=r1' });
    expect(request!.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    });
    expect(request!.headers.cookie).toBeUndefined();
  });

  it("credentials are omitted unless the caller asks for them (Node's fetch keeps no cookies either)", async () => {
    const { net, fetch } = setup();
    await fetch(`${base}/redirect`, { redirect: 'manual' });
    expect(net.request.mock.calls[0]![0]).toMatchObject({ credentials: 'omit', redirect: 'manual' });
    await fetch(`${base}/echo`, { redirect: 'error' });
    expect((net.fetch.mock.calls[0]![0] as Request).credentials).toBe('omit');
  });

  it('other redirect modes (the users API\'s "error") go through Electron\'s net.fetch', async () => {
    const { net, fetch } = setup();
    const response = await fetch(`${base}/echo`, {
      redirect: 'error',
      headers: { authorization: 'Bearer t' },
    });
    expect(response.status).toBe(200);
    expect(net.fetch).toHaveBeenCalledTimes(1);
    expect(net.request).not.toHaveBeenCalled();
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
  });

  it('a refused connection rejects with TypeError("fetch failed") holding Chromium\'s error, on both paths', async () => {
    const { fetch } = setup();
    const url = `${await closedPort()}/x`;
    for (const redirect of ['manual', 'error'] as const) {
      const failure = await fetch(url, { redirect }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, redirect).toBeInstanceOf(TypeError);
      expect((failure as TypeError).message).toBe('fetch failed');
      expect(((failure as TypeError).cause as Error).message).toMatch(/^net::ERR_/);
    }
  });

  it("a timeout rejects with the signal's TimeoutError (not a TypeError) and abandons the request", async () => {
    const { fetch } = setup();
    const failure = await fetch(`${base}/hang`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(100),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DOMException);
    expect((failure as DOMException).name).toBe('TimeoutError');
    await vi.waitFor(() => expect(closedRequests).toContain('/hang'));
  });

  it('an already aborted signal rejects with its reason before anything is sent', async () => {
    const { net, fetch } = setup();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(fetch(`${base}/echo`, { redirect: 'manual', signal: controller.signal })).rejects.toThrow(
      'stop',
    );
    expect(net.request).not.toHaveBeenCalled();
  });

  it('net used before `ready` throws synchronously in Electron; here the call rejects like a failed fetch', async () => {
    const fetch = createChromiumFetch({
      fetch: () => {
        throw new Error('net module can only be used after app is ready');
      },
      request: () => {
        throw new Error('net module can only be used after app is ready');
      },
    });
    for (const redirect of ['manual', 'follow'] as const)
      await expect(fetch(`${base}/echo`, { redirect })).rejects.toThrow(TypeError);
  });
});
