/**
 * The renderer's Content Security Policy. Sent as a response header by the app:// protocol handler
 * (main/shell/app-protocol.ts) on every document it serves, so it applies before any byte of the page
 * runs and cannot be loosened from inside the page.
 *
 * Everything comes from the app's own origin: no remote script, style, image or connection, no
 * inline code (`'unsafe-inline'`), no `eval` (`'unsafe-eval'`), no plugins, frames or workers. The
 * profile picture is fetched by main and served from app://latchkey/avatar, so `img-src 'self'`
 * is enough (Electron security checklist: "Define a Content Security Policy").
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'none'"],
  'worker-src': ["'none'"],
  'manifest-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function contentSecurityPolicy(directives = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export const RENDERER_CSP = contentSecurityPolicy();
