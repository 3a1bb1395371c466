import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp';
import {
  AVATAR_MAX_BYTES,
  avatarUrlFor,
  createAvatarCache,
  currentPicture,
  lookupRefusingLocalAddresses,
  type ResolveAll,
} from '../../../main/avatar';
import { startCaptureServer, type CaptureServer } from '../../fixtures/capture-server';
import { silentLogger } from '../../../main/log';
import type { Profile, SessionState } from '../../../common/session-state';
import { createHandlerTable, createStateUpdates } from '../../../main/services';

let idp: RunningIdp;
let odd: Server;
let oddBase: string;
let dir: string;

beforeAll(async () => {
  idp = await startIdp();
  dir = await mkdtemp(join(tmpdir(), 'latchkey-avatar-'));
  // Answers the local provider cannot give: a page instead of an image, and an oversized image.
  odd = createServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<script>alert(1)</script>');
    } else if (req.url === '/huge') {
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.alloc(AVATAR_MAX_BYTES + 1));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
  oddBase = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await idp.close();
  await new Promise((resolve) => odd.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const picture = () => idp.accounts.find((account) => account.login === 'ada')!.picture!;
const avatarRequests = () => idp.requestLog.filter((entry) => entry.path.startsWith('/avatars/')).length;

describe('createAvatarCache', () => {
  it('downloads the profile picture once, then serves it from memory', async () => {
    const cache = createAvatarCache({ cacheDir: dir, issuer: idp.issuer, log: silentLogger });
    const before = avatarRequests();
    const first = await cache.get(picture());
    expect(first?.contentType).toBe('image/svg+xml');
    expect(Buffer.from(first!.body).toString('utf8')).toContain('<svg');
    await cache.get(picture());
    expect(avatarRequests()).toBe(before + 1);
  });

  it('still has the picture when the provider is gone (the copy in user data)', async () => {
    await createAvatarCache({ cacheDir: dir, issuer: idp.issuer, log: silentLogger }).get(picture());
    const offline = createAvatarCache({
      cacheDir: dir,
      issuer: idp.issuer,
      log: silentLogger,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect((await offline.get(picture()))?.contentType).toBe('image/svg+xml');
  });

  it('refuses non-images, oversized images, plain http off this machine and credentials in the URL', async () => {
    // `odd` plays the issuer here, so that only what it answers can make it refuse.
    const cache = createAvatarCache({ issuer: oddBase, log: silentLogger });
    expect(await cache.get(`${oddBase}/page`)).toBeNull();
    expect(await cache.get(`${oddBase}/huge`)).toBeNull();
    expect(await cache.get('http://example.com/a.png')).toBeNull();
    expect(await cache.get('https://user:pw@example.com/a.png')).toBeNull();
    expect(await cache.get('file:///etc/passwd')).toBeNull();
    expect(await cache.get(undefined)).toBeNull();
  });

  it('never requests a redirect hop it would refuse as a first URL (plain http off loopback)', async () => {
    // Dual-stack, so that http://[::ffff:127.0.0.1]:port reaches it: an address the cache counts as
    // "plain http off this machine" that this test can still observe being requested.
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const port = (server.address() as AddressInfo).port;
      if (req.url === '/hop-to-plain-http') {
        res.writeHead(302, { Location: `http://[::ffff:127.0.0.1]:${port}/target.png` }).end();
      } else if (req.url === '/hop-to-loopback') {
        res.writeHead(302, { Location: '/target.png' }).end();
      } else if (req.url === '/loop') {
        res.writeHead(302, { Location: '/loop' }).end();
      } else {
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from('png-bytes'));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cache = createAvatarCache({ issuer: base, log: silentLogger });
      expect(await cache.get(`${base}/hop-to-plain-http`)).toBeNull();
      expect(hits).toEqual(['/hop-to-plain-http']);

      hits.length = 0;
      expect((await cache.get(`${base}/hop-to-loopback`))?.contentType).toBe('image/png');
      expect(hits).toEqual(['/hop-to-loopback', '/target.png']);

      hits.length = 0;
      expect(await cache.get(`${base}/loop`)).toBeNull();
      expect(hits.length).toBeLessThanOrEqual(6);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not retry a failed download at once, and keeps the app working', async () => {
    let calls = 0;
    let clock = 0;
    const cache = createAvatarCache({
      log: silentLogger,
      now: () => clock,
      fetch: async () => {
        calls++;
        throw new TypeError('fetch failed');
      },
    });
    expect(await cache.get('https://images.example/a.png')).toBeNull();
    expect(await cache.get('https://images.example/a.png')).toBeNull();
    expect(calls).toBe(1);
    clock += 61_000;
    await cache.get('https://images.example/a.png');
    expect(calls).toBe(2);
  });
});

describe('createAvatarCache refuses pictures on this computer or a local network (SSRF)', () => {
  // The picture URL is the provider's `picture` claim, or the profile cached in the keychain record:
  // either may point at another service on this computer, with a path and query that act (a GET
  // with side effects). `target` stands for that service; `issuer` is the real local provider.
  let target: CaptureServer;
  beforeAll(async () => {
    // Dual stack, so that IPv6 and IPv4 spellings of this computer all reach it.
    target = await startCaptureServer('::');
  });
  afterAll(() => target.close());

  const spellings = (port: number) => [
    `http://127.0.0.1:${port}/admin/delete?all=1`,
    `http://127.1:${port}/admin/delete?all=1`,
    `http://2130706433:${port}/admin/delete?all=1`,
    `http://0x7f.0.0.1:${port}/admin/delete?all=1`,
    `http://017700000001:${port}/admin/delete?all=1`,
    `http://127.255.255.254:${port}/x.png`,
    `http://localhost:${port}/admin/delete?all=1`,
    `http://LocalHost.:${port}/x.png`,
    `http://[::1]:${port}/admin/delete?all=1`,
    `http://[::ffff:127.0.0.1]:${port}/admin/delete?all=1`,
    `http://[::ffff:7f00:1]:${port}/x.png`,
    `http://0.0.0.0:${port}/x.png`,
    `http://0:${port}/x.png`,
    `https://127.0.0.1:${port}/x.png`,
    `https://localhost:${port}/x.png`,
    `https://[::1]:${port}/x.png`,
  ];

  it('requests none of the spellings of this computer off the issuer origin', async () => {
    const cache = createAvatarCache({ issuer: idp.issuer, log: silentLogger });
    const answers: Record<string, unknown> = {};
    for (const url of spellings(target.port)) answers[url] = await cache.get(url);
    // Checked first, so that a failure shows which spellings got through.
    expect(target.requests.map((request) => request.url)).toEqual([]);
    expect(target.connections).toBe(0);
    expect(Object.values(answers).every((answer) => answer === null)).toBe(true);
  });

  it('refuses the issuer host on another port (the issuer origin is scheme, host and port)', async () => {
    const sameHost = `http://127.0.0.1:${target.port}/x.png`;
    const cache = createAvatarCache({ issuer: idp.issuer, log: silentLogger });
    expect(new URL(idp.issuer).hostname).toBe(new URL(sameHost).hostname);
    expect(await cache.get(sameHost)).toBeNull();
    expect(target.connections).toBe(0);
  });

  it('requests no redirect hop to this computer, from the issuer or from a picture host elsewhere', async () => {
    const hops = [
      `http://127.0.0.1:${target.port}/admin/delete?all=1`,
      `http://127.1:${target.port}/admin/delete?all=1`,
      `http://localhost:${target.port}/admin/delete?all=1`,
      `http://[::1]:${target.port}/admin/delete?all=1`,
    ];
    // The issuer's own picture URL redirects (a real loopback server standing in for the issuer).
    const redirecting = createServer((req, res) => {
      const index = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('hop'));
      res.writeHead(302, { Location: hops[index] ?? '/' }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
    try {
      const fromIssuer = createAvatarCache({ issuer, log: silentLogger });
      for (let hop = 0; hop < hops.length; hop++) {
        expect(await fromIssuer.get(`${issuer}/avatar.png?hop=${hop}`)).toBeNull();
      }
      // A public picture host that redirects (injected: no public host is reachable here); every
      // other hop would go through the real network stack to the target.
      const fromElsewhere = createAvatarCache({
        issuer: idp.issuer,
        log: silentLogger,
        fetch: async (input, init) => {
          const url = new URL(input instanceof Request ? input.url : String(input));
          if (url.hostname !== 'images.example') return fetch(input, init);
          return new Response(null, {
            status: 302,
            headers: { Location: hops[Number(url.search.slice(1))]! },
          });
        },
      });
      for (let hop = 0; hop < hops.length; hop++) {
        expect(await fromElsewhere.get(`https://images.example/a.png?${hop}`)).toBeNull();
      }
      expect(target.requests.map((request) => request.url)).toEqual([]);
      expect(target.connections).toBe(0);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('does not connect to a host name that resolves to this computer or a local network (DNS rebinding)', async () => {
    // A hostile DNS answer, stood in for the real resolver: no public name resolves here.
    const answers: Record<string, string[]> = {
      'rebind.attacker.test': ['127.0.0.1'],
      'six.attacker.test': ['::1'],
      'mixed.attacker.test': ['93.184.216.34', '127.0.0.1'],
      'lan.attacker.test': ['192.168.1.1'],
      'metadata.attacker.test': ['169.254.169.254'],
    };
    const resolve: ResolveAll = (hostname, _options, callback) =>
      callback(
        null,
        (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    const cache = createAvatarCache({ issuer: idp.issuer, log: silentLogger, resolve });
    for (const host of Object.keys(answers)) {
      expect(await cache.get(`https://${host}:${target.port}/a.png`), host).toBeNull();
    }
    expect(target.connections).toBe(0);
  });

  it('still hands a public address to the connection, in both forms net.connect asks for', () => {
    const resolve: ResolveAll = (_hostname, _options, callback) =>
      callback(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::248', family: 6 },
      ]);
    const lookup = lookupRefusingLocalAddresses(resolve);
    const seen: unknown[][] = [];
    lookup('images.example', { all: true }, (...args) => seen.push(args));
    lookup('images.example', {}, (...args) => seen.push(args));
    expect(seen).toEqual([
      [
        null,
        [
          { address: '93.184.216.34', family: 4 },
          { address: '2606:2800:220:1::248', family: 6 },
        ],
      ],
      [null, '93.184.216.34', 4],
    ]);
  });
});

describe('the page decorations (createServices)', () => {
  const decorations = {
    provider: { kind: 'local-demo' as const, issuer: 'http://127.0.0.1:4400' },
    localPicture: avatarUrlFor,
  };
  const profile: Profile = { sub: 'local|ada', name: 'Ada', picture: 'https://images.example/ada.png' };

  it('replaces the provider picture URL by a versioned app://latchkey/avatar URL', async () => {
    const restoring: SessionState = { status: 'restoring', profile, storage: { kind: 'keychain' } };
    const handlers = createHandlerTable(
      { session: { getState: () => restoring }, account: {} } as never,
      decorations,
    );
    const state = await handlers.getSessionState(undefined);
    expect('profile' in state && state.profile.picture).toMatch(/^app:\/\/latchkey\/avatar\?v=[0-9a-f]{16}$/);
    expect(avatarUrlFor('https://images.example/other.png')).not.toBe(avatarUrlFor(profile.picture!));
    expect(
      currentPicture({ getState: () => ({ status: 'restoring', profile, storage: { kind: 'keychain' } }) }),
    ).toBe(profile.picture);
  });

  it('adds the provider to diagnostics and decorates profile results', async () => {
    const handlers = createHandlerTable(
      {
        session: { diagnostics: () => ({ issuer: 'x' }), fetchProfile: async () => profile },
        account: {},
      } as never,
      decorations,
    );
    expect(await handlers.getDiagnostics(undefined)).toEqual({ issuer: 'x', provider: decorations.provider });
    expect((await handlers.getProfile(undefined)).picture).toBe(avatarUrlFor(profile.picture!));
  });

  it('pushes states decorated as the handlers answer them', () => {
    let listener: ((state: SessionState) => void) | undefined;
    const updates = createStateUpdates(
      { subscribe: (next) => ((listener = next), () => undefined) },
      decorations,
    );
    const pushed: SessionState[] = [];
    updates.subscribe((state) => pushed.push(state));
    listener!({ status: 'restoring', profile, storage: { kind: 'keychain' } });
    expect(pushed).toEqual([
      {
        status: 'restoring',
        profile: { ...profile, picture: avatarUrlFor(profile.picture!) },
        storage: { kind: 'keychain' },
      },
    ]);
  });

  it('leaves values unchanged without decorations (the integration tests)', async () => {
    const handlers = createHandlerTable(
      {
        session: { diagnostics: () => ({ issuer: 'x' }), fetchProfile: async () => profile },
        account: {},
      } as never,
      {},
    );
    expect(await handlers.getDiagnostics(undefined)).toStrictEqual({ issuer: 'x' });
    expect(await handlers.getProfile(undefined)).toEqual(profile);
  });
});
