import { BrowserWindow, dialog, protocol, type Session, type WebContents } from 'electron';
import { APP_SCHEME } from '../../common/app-origin';
import type { Logger } from '../log';
import { APP_ENTRY_URL, createAppProtocolHandler, type AppProtocolOptions } from '../shell/app-protocol';
import { decideNavigation, type ExternalLinkRule } from '../shell/external-links';
import { decidePermission, secureWebPreferences } from '../shell/window-security';
import { MAIN_WINDOW_SIZES, type WindowPlacement, type WindowState } from '../shell/window-state';

/**
 * The window and every Electron security setting around it. The decisions themselves live in plain
 * modules under main/shell (tested without Electron); this file only attaches them to Electron's hooks.
 */

/**
 * Must run before `app` is ready. `standard` gives app://latchkey a real origin (relative URLs,
 * storage, the IPC sender check's origin); `secure` makes it a secure context like https, so the
 * page is never "mixed content". No bypassCSP, no service workers, no CORS for other origins.
 * `supportFetchAPI` lets Chromium load the page's ES modules over the scheme.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        bypassCSP: false,
        allowServiceWorkers: false,
        corsEnabled: false,
        stream: false,
        codeCache: false,
      },
    },
  ]);
}

/** Serves dist/renderer (and the avatar) on app://latchkey; must run after `app` is ready. */
export function installAppProtocol(options: AppProtocolOptions): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options));
}

/**
 * Refuses every permission request and check on a session (camera, microphone, notifications,
 * geolocation, clipboard reads, HID/USB/serial devices, screen capture). Checklist: "Handle session
 * permission requests from remote content". The one grant: our own page writing the sign-in link to
 * the clipboard (see decidePermission).
 */
export function denyAllPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = decidePermission(permission, details?.requestingUrl);
    if (!granted) log.warn(`permission request refused: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermission(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
}

interface GuardOptions {
  allowlist: readonly ExternalLinkRule[];
  openExternal: (url: string) => Promise<void>;
  log: Logger;
}

/**
 * Attaches the navigation, redirect, new-window and <webview> refusals to a webContents. Applied by
 * app.ts to every webContents Electron creates ('web-contents-created'), not only the main window's.
 */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const leave = (url: string, how: string): void => {
    const decision = decideNavigation(url, options.allowlist);
    if (decision.openExternally) {
      options.openExternal(url).catch((error: unknown) => options.log.warn(`opening a link failed`, error));
    } else {
      options.log.warn(`${how} refused: ${describeUrl(url)}`);
    }
  };

  contents.on('will-navigate', (event) => {
    event.preventDefault();
    leave(event.url, 'navigation');
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    if (event.isMainFrame) return; // will-navigate already handled the main frame
    options.log.warn(`frame navigation refused: ${describeUrl(event.url)}`);
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    options.log.warn(`redirect refused: ${describeUrl(event.url)}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    leave(url, 'new window');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.log.warn('<webview> refused');
  });
}

/** Origin and path only: a query string may hold anything. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.slice(0, 200);
  } catch {
    return '(unparsable URL)';
  }
}

interface MainWindowOptions {
  preloadPath: string;
  devTools: boolean;
  /** Linux and Windows in development; packaged builds take the icon from the executable. */
  iconPath?: string | undefined;
  /** Where it opens (placeWindow in main/shell/window-state.ts); default size, centred, when absent. */
  placement?: WindowPlacement;
  /** Receives the window's normal bounds and maximised state as it closes, to be remembered. */
  onClosing?: (state: WindowState) => void;
  log: Logger;
}

/** Windows that have painted and shown themselves; until then bringToFront waits for them. */
const painted = new WeakSet<BrowserWindow>();
/** A bringToFront that arrived before the window painted, run once it has. */
const frontOnceShown = new WeakMap<BrowserWindow, () => void>();

/** The one window. Shown when its first paint is ready, so it never flashes white. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const placement = options.placement ?? {
    width: MAIN_WINDOW_SIZES.width,
    height: MAIN_WINDOW_SIZES.height,
    maximized: false,
  };
  const window = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    width: placement.width,
    height: placement.height,
    minWidth: MAIN_WINDOW_SIZES.minWidth,
    minHeight: MAIN_WINDOW_SIZES.minHeight,
    show: false,
    title: 'Latchkey',
    autoHideMenuBar: true,
    backgroundColor: '#101418',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences({ preloadPath: options.preloadPath, devTools: options.devTools }),
  });
  window.once('ready-to-show', () => {
    // maximize() "will also show (but not focus) the window"; show() then focuses it.
    if (placement.maximized) window.maximize();
    window.show();
    painted.add(window);
    frontOnceShown.get(window)?.();
    frontOnceShown.delete(window);
  });
  // getNormalBounds: "whatever the current state of the window: maximized, minimized or in
  // fullscreen, ... the position and size of the window in normal state" (BaseWindow docs).
  const onClosing = options.onClosing;
  if (onClosing)
    window.on('close', () =>
      onClosing({ bounds: window.getNormalBounds(), maximized: window.isMaximized() }),
    );
  // The page refuses to unload while the metadata editor holds unsaved edits (beforeunload). Electron
  // then silently keeps the window open; ask instead, and close when the person chooses to.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Discard changes and close', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'You have unsaved changes to your details.',
      detail: 'If you close Latchkey now, they are lost.',
    });
    if (choice === 0) event.preventDefault();
  });
  window
    .loadURL(APP_ENTRY_URL)
    .catch((error: unknown) => options.log.error('loading the page failed', error));
  return window;
}

/**
 * Brings the window to the front (sign-in finished in the browser, or a second launch). A window that
 * has not painted yet is not shown early (it would flash white): it comes to the front as it shows
 * itself.
 */
export function bringToFront(window: BrowserWindow, stealFocus: (() => void) | undefined): void {
  if (window.isDestroyed()) return;
  if (!painted.has(window)) {
    frontOnceShown.set(window, () => {
      stealFocus?.();
      window.focus();
    });
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  stealFocus?.();
  window.focus();
}
