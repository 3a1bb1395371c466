import { readFile as readFileCallback, realpath as realpathCallback, stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';
import { extname, isAbsolute, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../../common/app-origin';
import { RENDERER_CSP } from './window-security';

/**
 * The app:// protocol: the renderer's files, served by main from dist/renderer and nothing else.
 * Electron security checklist: "Avoid usage of the file:// protocol and prefer usage of custom
 * protocols". With file:// a page (or an injected script) may read any file the user can; here a
 * request resolves to a file under one folder or to a 404. Plain Node (WHATWG Request/Response, as
 * Electron's `protocol.handle` uses), so the real handler is tested with real files.
 */

// The callback forms, not node:fs/promises: Electron's asar support is certain to cover these, and a
// packaged build serves the renderer from inside app.asar.
const readFile = promisify(readFileCallback);
const realpath = promisify(realpathCallback);
const stat = promisify(statCallback);

/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
/** Where the cached profile picture is served (main/avatar.ts), so `img-src 'self'` suffices. */
const AVATAR_PATH = '/avatar';

/** Only these file types are served; anything else under the folder is a 404 too. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

type AppRequestTarget =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'avatar' }
  | { kind: 'refused'; reason: string };

/**
 * Maps an app:// URL to a file under `rendererRoot` (an absolute path), or refuses it. Refused:
 * another scheme or host, `..` segments (also percent-encoded: `%2e%2e`, `..%2f`), backslashes,
 * NUL bytes, drive letters, hidden files, malformed escapes, and any type not in MIME_TYPES.
 * The URL parser already removes plain `..` segments; the checks run again after decoding because
 * an encoded `/` (`%2f`) survives parsing and would turn into a separator on disk.
 */
export function resolveAppProtocolPath(requestUrl: string, rendererRoot: string): AppRequestTarget {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'refused', reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return { kind: 'refused', reason: 'foreign origin' };

  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'refused', reason: 'malformed escape' };
  }
  if (path === AVATAR_PATH) return { kind: 'avatar' };
  if (path === '/' || path === '') path = '/index.html';

  if (/[\\\0:]/.test(path)) return { kind: 'refused', reason: 'forbidden character' };
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) {
    return { kind: 'refused', reason: 'traversal, empty or hidden segment' };
  }
  const relative = segments.join('/');
  if (isAbsolute(relative)) return { kind: 'refused', reason: 'absolute path' };

  const root = resolve(rendererRoot);
  const full = resolve(root, relative);
  if (!full.startsWith(root + sep)) return { kind: 'refused', reason: 'outside the renderer folder' };

  const contentType = MIME_TYPES[extname(full).toLowerCase()];
  if (!contentType) return { kind: 'refused', reason: 'type not served' };
  return { kind: 'file', path: full, contentType };
}

/** Headers on every app:// response. The CSP is what makes the page's policy unbypassable. */
function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

export interface AppProtocolOptions {
  /** Absolute path of the built renderer (dist/renderer). */
  rendererRoot: string;
  /** The current profile picture, or null when there is none (main/avatar.ts). */
  avatar?: () => Promise<{ body: Uint8Array; contentType: string } | null>;
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
}

/** The handler given to `protocol.handle('app', ...)`. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  let realRoot: Promise<string> | undefined;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', {
        status: 405,
        headers: { ...securityHeaders('text/plain; charset=utf-8'), Allow: 'GET, HEAD' },
      });
    }
    const target = resolveAppProtocolPath(request.url, options.rendererRoot);
    if (target.kind === 'refused') return notFound();

    if (target.kind === 'avatar') {
      const picture = options.avatar ? await options.avatar().catch(() => null) : null;
      if (!picture) return notFound();
      const headers = { ...securityHeaders(picture.contentType), 'Cache-Control': 'no-store' };
      return new Response(request.method === 'HEAD' ? null : Buffer.from(picture.body), {
        status: 200,
        headers,
      });
    }

    try {
      // A symlink inside the folder must not lead outside it.
      realRoot ??= realpath(resolve(options.rendererRoot));
      const [root, real] = await Promise.all([realRoot, realpath(target.path)]);
      if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) return notFound();
      const body = await readFile(real);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: securityHeaders(target.contentType),
      });
    } catch {
      realRoot = undefined;
      return notFound();
    }
  };
}
