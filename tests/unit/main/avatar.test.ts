import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../idp';
import { AVATAR_MAX_BYTES, avatarUrlFor, createAvatarCache, currentPicture } from '../../../main/avatar';
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
    const cache = createAvatarCache({ cacheDir: dir, log: silentLogger });
    const before = avatarRequests();
    const first = await cache.get(picture());
    expect(first?.contentType).toBe('image/svg+xml');
    expect(Buffer.from(first!.body).toString('utf8')).toContain('<svg');
    await cache.get(picture());
    expect(avatarRequests()).toBe(before + 1);
  });

  it('still has the picture when the provider is gone (the copy in user data)', async () => {
    await createAvatarCache({ cacheDir: dir, log: silentLogger }).get(picture());
    const offline = createAvatarCache({
      cacheDir: dir,
      log: silentLogger,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect((await offline.get(picture()))?.contentType).toBe('image/svg+xml');
  });

  it('refuses non-images, oversized images, plain http off this machine and credentials in the URL', async () => {
    const cache = createAvatarCache({ log: silentLogger });
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
      const cache = createAvatarCache({ log: silentLogger });
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
