import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  CSP_DIRECTIVES,
  decidePermission,
  RENDERER_CSP,
  secureWebPreferences,
} from '../../../../main/shell/window-security';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences({ preloadPath: '/app/dist/preload/index.cjs', devTools: false });

  it('isolates, sandboxes and keeps Node out of the page, its workers and frames', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and refuses insecure content, experimental features and <webview>', () => {
    expect(prefs).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      plugins: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('passes the preload path through and opens DevTools only when asked (development)', () => {
    expect(prefs.preload).toBe('/app/dist/preload/index.cjs');
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences({ preloadPath: 'x', devTools: true }).devTools).toBe(true);
  });
});

describe('the renderer CSP', () => {
  const directives = new Map(
    RENDERER_CSP.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );

  it("defaults to 'none' and allows scripts, styles and images from the app's own origin only", () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'"]);
  });

  it('never allows inline code, eval, remote hosts or wildcard sources', () => {
    expect(RENDERER_CSP).not.toMatch(
      /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe|https?:|\*|data:|blob:/,
    );
  });

  it('shuts objects, frames, workers, <base> and form posts, and forbids being framed', () => {
    for (const name of [
      'object-src',
      'frame-src',
      'child-src',
      'worker-src',
      'base-uri',
      'form-action',
      'frame-ancestors',
    ]) {
      expect(directives.get(name), name).toEqual(["'none'"]);
    }
  });

  it('is built from the directive table, one directive per entry', () => {
    expect(contentSecurityPolicy({ 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] })).toBe(
      "default-src 'none'; img-src 'self' data:",
    );
    expect(directives.size).toBe(Object.keys(CSP_DIRECTIVES).length);
  });
});

describe('decidePermission', () => {
  it('refuses every permission', () => {
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'unknown',
    ]) {
      expect(decidePermission(permission)).toBe(false);
      expect(decidePermission(permission, 'app://latchkey/index.html')).toBe(false);
    }
  });

  it('lets only our own page write the clipboard (the "Copy the link" button)', () => {
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey/index.html')).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey')).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey.evil/')).toBe(false);
    expect(decidePermission('clipboard-sanitized-write')).toBe(false);
    expect(decidePermission('clipboard-read', 'app://latchkey/index.html')).toBe(false);
  });
});
