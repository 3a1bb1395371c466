import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ORIGIN } from '../common/app-origin';
import { isSecureTransport } from './transport';
import type { Logger } from './log';
import type { SessionManager } from './session/session-manager';

/**
 * The profile picture, fetched by main once per picture URL and served to the page from
 * app://latchkey/avatar. The page's CSP then needs no remote image source (`img-src 'self'`), the
 * provider's image host never learns when the app is open, and the picture still shows offline.
 * Pictures are public (the provider hands their URL to anyone with the profile), so a copy on disk in
 * the user-data folder is fine; no credential is ever sent with the request. Plain Node.
 */

interface AvatarImage {
  body: Uint8Array;
  contentType: string;
}

export const AVATAR_MAX_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
/** Picture hosts and CDNs redirect once or twice; more is a loop. */
const MAX_REDIRECTS = 5;
/** After a failed download, wait this long before trying the same URL again. */
const RETRY_AFTER_MS = 60_000;
const IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'image/avif',
]);

/** The URL the page uses for a given picture; `v` changes with the picture so the page re-fetches. */
export function avatarUrlFor(picture: string): string {
  const version = createHash('sha256').update(picture).digest('hex').slice(0, 16);
  return `${APP_ORIGIN}/avatar?v=${version}`;
}

/** The provider picture URL of the current session, if any: what app://latchkey/avatar serves. */
export function currentPicture(session: Pick<SessionManager, 'getState'>): string | undefined {
  const state = session.getState();
  return 'profile' in state ? state.profile.picture : undefined;
}

interface AvatarCacheOptions {
  fetch?: typeof globalThis.fetch;
  /** Folder for the on-disk copy (user data); memory only when absent. */
  cacheDir?: string;
  log: Logger;
  now?: () => number;
}

interface AvatarCache {
  /** The image for `pictureUrl`: from memory, from disk, or downloaded once. Null when unavailable. */
  get(pictureUrl: string | undefined): Promise<AvatarImage | null>;
}

function fetchableUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    if (url.username || url.password) return null;
    return isSecureTransport(url) ? url : null;
  } catch {
    return null;
  }
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  if (!response.body) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function createAvatarCache(options: AvatarCacheOptions): AvatarCache {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  let current: { url: string; image: Promise<AvatarImage | null> } | undefined;
  const failedAt = new Map<string, number>();

  const diskPaths = (url: string) => {
    if (!options.cacheDir) return null;
    const key = createHash('sha256').update(url).digest('hex').slice(0, 32);
    return {
      body: join(options.cacheDir, `avatar-${key}.bin`),
      meta: join(options.cacheDir, `avatar-${key}.json`),
    };
  };

  async function fromDisk(url: string): Promise<AvatarImage | null> {
    const paths = diskPaths(url);
    if (!paths) return null;
    try {
      const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as { url?: unknown; contentType?: unknown };
      if (meta.url !== url || typeof meta.contentType !== 'string' || !IMAGE_TYPES.has(meta.contentType))
        return null;
      const body = await readFile(paths.body);
      return body.byteLength <= AVATAR_MAX_BYTES ? { body, contentType: meta.contentType } : null;
    } catch {
      return null;
    }
  }

  async function toDisk(url: string, image: AvatarImage): Promise<void> {
    const paths = diskPaths(url);
    if (!paths || !options.cacheDir) return;
    try {
      await mkdir(options.cacheDir, { recursive: true });
      await writeFile(`${paths.body}.tmp`, image.body);
      await rename(`${paths.body}.tmp`, paths.body);
      await writeFile(paths.meta, JSON.stringify({ url, contentType: image.contentType }));
    } catch (error) {
      options.log.warn('avatar: could not keep a copy on disk', error);
    }
  }

  /**
   * Follows redirects one hop at a time, each hop checked like the first URL: with `redirect:
   * 'follow'` fetch would already have requested a plain-http or credentialed hop (another host on
   * the local network, say) before its final URL could be refused.
   */
  async function fetchChecked(first: URL): Promise<Response | null> {
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    let url = first;
    for (let hop = 0; ; hop++) {
      const response = await doFetch(url, {
        redirect: 'manual',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        headers: { Accept: [...IMAGE_TYPES].join(', ') },
        signal,
      });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) return null;
      let next: URL | null;
      try {
        next = fetchableUrl(new URL(location, url).href);
      } catch {
        next = null;
      }
      if (!next) return null;
      url = next;
    }
  }

  async function download(url: URL): Promise<AvatarImage | null> {
    const response = await fetchChecked(url);
    if (!response || !response.ok) return null;
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!IMAGE_TYPES.has(contentType)) return null;
    const body = await readLimited(response, AVATAR_MAX_BYTES);
    return body ? { body, contentType } : null;
  }

  async function load(pictureUrl: string, url: URL): Promise<AvatarImage | null> {
    const cached = await fromDisk(pictureUrl);
    if (cached) return cached;
    try {
      const image = await download(url);
      if (image) {
        failedAt.delete(pictureUrl);
        await toDisk(pictureUrl, image);
      } else options.log.warn(`avatar: ${url.host} did not send a usable image`);
      return image;
    } catch (error) {
      options.log.warn(`avatar: download from ${url.host} failed`, error);
      failedAt.set(pictureUrl, now());
      throw error;
    }
  }

  return {
    async get(pictureUrl) {
      if (!pictureUrl) return null;
      const url = fetchableUrl(pictureUrl);
      if (!url) return null;
      if (current?.url !== pictureUrl) {
        const failed = failedAt.get(pictureUrl);
        if (failed !== undefined && now() - failed < RETRY_AFTER_MS) return null;
        current = { url: pictureUrl, image: load(pictureUrl, url) };
      }
      const entry = current;
      try {
        return await entry.image;
      } catch {
        // A network failure is not remembered as "no picture": forget it so a later request retries.
        if (current === entry) current = undefined;
        return null;
      }
    },
  };
}
