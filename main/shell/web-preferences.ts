/**
 * The BrowserWindow's webPreferences, item by item from Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security). Plain data so that a unit test can
 * pin every value without Electron; main/electron/window.ts passes it to `new BrowserWindow` unchanged.
 * Values that are already Electron's defaults are still written out: a default can change between
 * majors, an explicit value cannot.
 */
export interface SecureWebPreferences {
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
