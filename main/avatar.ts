import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { APP_ORIGIN } from '../common/app-origin';
import { isLocalNetworkAddress, isLocalNetworkHost, isSecureTransport } from './transport';
import type { Logger } from './log';
import type { SessionManager } from './session/session-manager';

/**
 * The profile picture, fetched by main once per picture URL and served to the page from
 * app://latchkey/avatar. The page's CSP then needs no remote image source (`img-src 'self'`), the
 * provider's image host never learns when the app is open, and the picture still shows offline.
 * Pictures are public (the provider hands their URL to anyone with the profile), so a copy on disk in
 * the user-data folder is fine; no credential is ever sent with the request. Plain Node.
 *
 * The picture URL comes from the provider (or from the profile cached in the keychain record), so it
 * is not trusted: a request to `http://127.0.0.1:PORT/any/path?query` would be a GET with side effects
 * on a local service (SSRF). Every hop, the first and each redirect, must pass the transport rule and
 * must not name this computer or a local network, whatever the spelling (main/transport.ts), and a
 * host name is refused when it resolves to such an address, checked on the very addresses the
 * connection then uses (no second resolution for DNS rebinding to slip into). The one exception is
 * the issuer's own origin: the local provider serves its avatars from 127.0.0.1.
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
  /** The provider's issuer: pictures on its own origin may be on this computer; no others may. */
  issuer?: string;
  /**
   * Replaces the request of each hop (tests inject network failures with it). The checks of every
   * hop's URL still apply; the check of resolved addresses belongs to the default request.
   */
  fetch?: typeof globalThis.fetch;
  /** Name resolution for the default request (dns.lookup); tests stand in a hostile DNS answer. */
  resolve?: ResolveAll;
  /** Folder for the on-disk copy (user data); memory only when absent. */
  cacheDir?: string;
  log: Logger;
  now?: () => number;
}

interface AvatarCache {
  /** The image for `pictureUrl`: from memory, from disk, or downloaded once. Null when unavailable. */
  get(pictureUrl: string | undefined): Promise<AvatarImage | null>;
}

/** `value` as a URL the cache may request, or null: see the rule at the top of this file. */
function fetchableUrl(value: string, issuerOrigin: string | undefined): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password || !isSecureTransport(url)) return null;
  if (url.origin !== issuerOrigin && isLocalNetworkHost(url.hostname)) return null;
  return url;
}

/** dns.lookup's `all: true` form: what the guard below asks, and what tests replace with a hostile DNS. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net.connect that refuses a name resolving to this computer or a local network
 * (any of its addresses). Node calls it for host names only, never for IP literals (fetchableUrl
 * has judged those), and connects to exactly the addresses it returns, so the check and the
 * connection see the same answer.
 */
export function lookupRefusingLocalAddresses(resolve: ResolveAll = dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      if (addresses.length === 0 || addresses.some((entry) => isLocalNetworkAddress(entry.address))) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to an address on this computer or a local network; not requested.`,
        );
        refused.code = 'ERR_LOCAL_ADDRESS';
        return callback(refused, '');
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
}

/** Statuses whose response has no body (Fetch standard "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function toResponse(message: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const status = message.statusCode ?? 0;
  if (NULL_BODY_STATUSES.has(status)) {
    message.resume();
    return new Response(null, { status, headers });
  }
  const body = Readable.toWeb(message) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

/**
 * One GET with node:http(s), never following redirects, that can connect only to addresses that
 * are not local (unless the URL is on the issuer's origin). fetch() offers no hook on name
 * resolution, so checking a name first and then fetching would resolve it twice.
 */
function requestRefusingLocalAddresses(
  issuerOrigin: string | undefined,
  resolve: ResolveAll | undefined,
): typeof globalThis.fetch {
  const lookup = lookupRefusingLocalAddresses(resolve);
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method: 'GET',
          headers: Object.fromEntries(new Headers(init.headers)),
          ...(init.signal ? { signal: init.signal } : {}),
          ...(url.origin === issuerOrigin ? {} : { lookup }),
        },
        (message) => {
          try {
            resolve(toResponse(message));
          } catch (error) {
            message.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
      );
      request.on('error', reject);
      request.end();
    });
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
  let issuerOrigin: string | undefined;
  try {
    issuerOrigin = options.issuer === undefined ? undefined : new URL(options.issuer).origin;
  } catch {
    issuerOrigin = undefined;
  }
  const doFetch = options.fetch ?? requestRefusingLocalAddresses(issuerOrigin, options.resolve);
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
   * Follows redirects one hop at a time, each hop checked like the first URL: following them blindly
   * would already have requested a plain-http, credentialed or local hop (a service on this
   * computer, say) before its final URL could be refused.
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
        next = fetchableUrl(new URL(location, url).href, issuerOrigin);
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
      const url = fetchableUrl(pictureUrl, issuerOrigin);
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
