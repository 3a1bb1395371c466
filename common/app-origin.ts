/**
 * Where the renderer lives. The shell serves the built renderer from this privileged standard scheme
 * (main/electron/window.ts registers it); main/ipc/sender-guard.ts answers only frames on this
 * origin. One constant, read by both, so the window and the IPC guard cannot drift apart.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'latchkey';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * The origin of a URL as the renderer's Chromium sees it for a standard scheme: `scheme://host[:port]`.
 * WHATWG `URL.origin` is the opaque "null" for schemes Node does not know as special (like `app:`),
 * so the origin is rebuilt from protocol and host. Returns null for anything unparsable.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}
