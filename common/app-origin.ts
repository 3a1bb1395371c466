/**
 * Where the renderer lives. The shell serves the built renderer from this privileged standard scheme
 * (main/electron/window.ts registers it); main/ipc/sender-guard.ts answers only frames on this
 * origin. One constant, read by both, so the window and the IPC guard cannot drift apart.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'latchkey';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The WHATWG special schemes, whose URLs Node parses as Chromium does (authority, `\` as `/`). */
const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/**
 * The origin of a URL as the renderer's Chromium sees it, `scheme://host[:port]`, or null.
 *
 * For `app:` this must follow Chromium, not WHATWG: Node parses `app:` as a non-special scheme, where
 * `\` is no separator, so `app://evil\@latchkey/` has the host `latchkey` (and user `evil\`), while
 * Chromium, for which Electron registers `app` as a standard scheme, ends the authority at the `\`:
 * its host is `evil`. Electron registers custom standard schemes as `url::SCHEME_WITH_HOST`
 * (electron shell/browser/api/electron_api_protocol.cc and shell/renderer/renderer_client_base.cc),
 * and Chromium then treats `\` as `/` (url/url_parse_internal.h `IsURLSlash`), canonicalises the
 * host as for http, and drops any port and user info (url/url_canon_stdurl.cc). So the URL is parsed
 * as a special one here, and only its canonical form has an origin: Electron reports the URLs
 * Chromium made, so a spelling Chromium would have rewritten (`app://LATCHKEY/`, `app://latchkey:443/`,
 * `app://x@latchkey/`, `app:latchkey/`) was not reported by it and is refused (null).
 *
 * Other schemes that are neither special nor `app:` (file:, data:, about:, custom ones) have an
 * opaque origin in Chromium: null.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (SPECIAL_SCHEMES.has(parsed.protocol)) return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  // Stryker disable next-line ConditionalExpression: equivalent: appOrigin returns an origin only for a URL that starts with "app://"
  if (parsed.protocol !== `${APP_SCHEME}:`) return null;
  return appOrigin(url);
}

/** The origin of a canonical `app:` URL, parsed as Chromium parses a SCHEME_WITH_HOST URL; else null. */
function appOrigin(url: string): string | null {
  let standard: URL;
  try {
    // The same URL under a special scheme: WHATWG then parses it with the standard-URL rules.
    standard = new URL(`http:${url.slice(url.indexOf(':') + 1)}`);
  } catch {
    return null;
  }
  // Stryker disable next-line ConditionalExpression: equivalent: WHATWG gives an http: URL a host always ("http:///x" has host "x"), so a hostname-less origin never matches
  if (!standard.hostname) return null;
  const origin = `${APP_SCHEME}://${standard.hostname}`;
  return url === origin || url.startsWith(`${origin}/`) ? origin : null;
}
