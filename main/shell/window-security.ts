import { APP_ORIGIN, originOf } from '../../common/app-origin';

/**
 * The window's security settings, item by item from Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security): its webPreferences, the page's Content
 * Security Policy and the permission decisions. Plain data and functions, so that unit tests pin
 * every value without Electron; main/electron/window.ts hands them to Electron unchanged, and
 * main/shell/app-protocol.ts sends the CSP with every document it serves.
 */

/**
 * The BrowserWindow's webPreferences. Values that are already Electron's defaults are still written
 * out: a default can change between majors, an explicit value cannot.
 */
interface SecureWebPreferences {
  readonly preload: string;
  /** Checklist "Enable context isolation": the preload's world and the page's world stay apart. */
  readonly contextIsolation: true;
  /** Checklist "Enable process sandboxing": the renderer runs in Chromium's OS-level sandbox. */
  readonly sandbox: true;
  /** Checklist "Do not enable Node.js integration for remote content": no Node.js in the page, its workers or its frames. */
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  /** Checklist "Do not disable webSecurity": same-origin policy on. */
  readonly webSecurity: true;
  /** Checklist "Do not enable allowRunningInsecureContent": no http content inside the app's secure origin. */
  readonly allowRunningInsecureContent: false;
  /** Checklist "Do not enable experimental features" / "Do not use enableBlinkFeatures": no experimental web platform features, no extra Blink features. */
  readonly experimentalFeatures: false;
  /** Middle-click (auxclick) opens links outside the new-window handler's view in old Electrons. */
  readonly disableBlinkFeatures: 'Auxclick';
  /** Checklist "Verify WebView options before creation": no <webview> at all. */
  readonly webviewTag: false;
  /** A file dropped on the window must not navigate it away from the app. */
  readonly navigateOnDragDrop: false;
  /** The spellchecker downloads dictionaries from a Google CDN: nothing to spell-check that needs it. */
  readonly spellcheck: false;
  readonly plugins: false;
  readonly enableWebSQL: false;
  /** A page looping on alert() cannot lock the person out of the window. */
  readonly safeDialogs: true;
  /** DevTools only in development; a packaged build has no console to paste code into. */
  readonly devTools: boolean;
}

export function secureWebPreferences(options: {
  preloadPath: string;
  devTools: boolean;
}): SecureWebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    disableBlinkFeatures: 'Auxclick',
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    plugins: false,
    enableWebSQL: false,
    safeDialogs: true,
    devTools: options.devTools,
  };
}

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

/**
 * Every permission (camera, notifications, clipboard reads, geolocation, ...) is refused (checklist:
 * "Handle session permission requests from remote content"), with one exception: our own page may
 * write plain text to the clipboard ("Copy the link" while waiting for the browser). Chromium
 * sanitises such writes; reading the clipboard stays refused.
 */
export function decidePermission(permission: string, requestingUrl?: string): boolean {
  return (
    permission === 'clipboard-sanitized-write' &&
    requestingUrl !== undefined &&
    originOf(requestingUrl) === APP_ORIGIN
  );
}
