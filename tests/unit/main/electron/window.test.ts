import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../main/log';
import { externalLinkAllowlist } from '../../../../main/shell/external-links';
import { secureWebPreferences } from '../../../../main/shell/window-security';
import type { FakeBrowserWindow } from '../../../fixtures/fake-electron';
import { type FakeElectron } from '../../../fixtures/fake-electron';

// The Electron binary cannot run here: the module is replaced by recording fakes (see fake-electron.ts).
const fake = vi.hoisted(() => ({ current: undefined as unknown as FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron: create } = await import('../../../fixtures/fake-electron');
  fake.current = create();
  return fake.current;
});

const windowModule = await import('../../../../main/electron/window');
const electron = () => fake.current;

function navigationEvent(url: string, extra: Record<string, unknown> = {}) {
  return { url, preventDefault: vi.fn(), ...extra };
}

describe('registerAppScheme', () => {
  it('registers app: as standard and secure, without CSP bypass, service workers or CORS', () => {
    windowModule.registerAppScheme();
    expect(electron().protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          bypassCSP: false,
          allowServiceWorkers: false,
          corsEnabled: false,
        }),
      },
    ]);
  });

  it('installAppProtocol hands protocol.handle a handler that serves only the renderer folder', async () => {
    windowModule.installAppProtocol({ rendererRoot: '/nonexistent/renderer' });
    const [scheme, handler] = electron().protocol.handle.mock.calls.at(-1) as [
      string,
      (r: Request) => Promise<Response>,
    ];
    expect(scheme).toBe('app');
    expect((await handler(new Request('app://latchkey/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request, check and device, and screen capture', () => {
    const session = electron().session.defaultSession;
    windowModule.denyAllPermissions(session as never, silentLogger);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (
      wc: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details?: { requestingUrl: string },
    ) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (
      wc: unknown,
      permission: string,
      requestingOrigin?: string,
    ) => boolean;
    expect(check({}, 'media')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://latchkey')).toBe(true);
    const clipboard = vi.fn();
    request({}, 'clipboard-sanitized-write', clipboard, { requestingUrl: 'app://latchkey/index.html' });
    expect(clipboard).toHaveBeenCalledWith(true);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean;
    expect(device()).toBe(false);
    const display = session.setDisplayMediaRequestHandler.mock.calls[0]![0] as (
      r: unknown,
      cb: (s: unknown) => void,
    ) => void;
    const callback = vi.fn();
    display({}, callback);
    expect(callback).toHaveBeenCalledWith(null);
  });
});

describe('guardWebContents', () => {
  let contents: EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> };
  let openExternal: ReturnType<typeof vi.fn<(url: string) => Promise<void>>>;

  beforeEach(() => {
    contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    openExternal = vi.fn(async () => undefined);
    windowModule.guardWebContents(contents as never, {
      allowlist: externalLinkAllowlist('https://tenant.eu.auth0.com/'),
      openExternal,
      log: silentLogger,
    });
  });

  it('prevents every navigation; an allowed link opens in the system browser instead', () => {
    const allowed = navigationEvent('https://tenant.eu.auth0.com/u/account');
    contents.emit('will-navigate', allowed);
    expect(allowed.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://tenant.eu.auth0.com/u/account');

    const hostile = navigationEvent('https://evil.example/phish');
    contents.emit('will-navigate', hostile);
    expect(hostile.preventDefault).toHaveBeenCalled();
    const inApp = navigationEvent('app://latchkey/index.html');
    contents.emit('will-navigate', inApp);
    expect(inApp.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('prevents frame navigations and redirects without opening anything', () => {
    const frame = navigationEvent('https://evil.example/', { isMainFrame: false });
    contents.emit('will-frame-navigate', frame);
    const redirect = navigationEvent('https://tenant.eu.auth0.com/');
    contents.emit('will-redirect', redirect);
    expect(frame.preventDefault).toHaveBeenCalled();
    expect(redirect.preventDefault).toHaveBeenCalled();
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('denies every new window; only allowlisted https links reach the browser', () => {
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => {
      action: string;
    };
    expect(handler({ url: 'https://tenant.eu.auth0.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://tenant.eu.auth0.com/']]);
  });

  it('prevents attaching a <webview>', () => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('createMainWindow and bringToFront', () => {
  const createWindow = () =>
    windowModule.createMainWindow({
      preloadPath: '/app/dist/preload/index.cjs',
      devTools: false,
      log: silentLogger,
    }) as unknown as FakeBrowserWindow;

  it('creates a hidden window with the secure preferences, loads app://latchkey and shows it when painted', () => {
    const window = createWindow();
    expect(window.options.webPreferences).toEqual(
      secureWebPreferences({ preloadPath: '/app/dist/preload/index.cjs', devTools: false }),
    );
    expect(window.options.show).toBe(false);
    expect(window.loadURL).toHaveBeenCalledWith('app://latchkey/index.html');
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('asks before closing over unsaved edits, and closes only when the person chooses to', () => {
    const window = createWindow();
    const ask = electron().dialog.showMessageBoxSync;

    ask.mockReturnValueOnce(1); // "Keep editing"
    const keep = { preventDefault: vi.fn() };
    window.webContents.emit('will-prevent-unload', keep);
    expect(keep.preventDefault).not.toHaveBeenCalled(); // the page's beforeunload wins: window stays

    ask.mockReturnValueOnce(0); // "Discard changes and close"
    const discard = { preventDefault: vi.fn() };
    window.webContents.emit('will-prevent-unload', discard);
    expect(discard.preventDefault).toHaveBeenCalledTimes(1); // overrides beforeunload: the window closes
    expect(ask).toHaveBeenCalledWith(window, expect.objectContaining({ title: 'Unsaved changes' }));
  });

  it('bringToFront restores a minimised window, shows and focuses it', () => {
    const window = createWindow();
    window.emit('ready-to-show');
    window.show.mockClear();
    window.minimized = true;
    const steal = vi.fn();
    windowModule.bringToFront(window as never, steal);
    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(steal).toHaveBeenCalled();
  });

  it('bringToFront before the first paint does not show the window early: it comes to the front as it shows', () => {
    const window = createWindow();
    const steal = vi.fn();
    windowModule.bringToFront(window as never, steal);
    expect(window.show).not.toHaveBeenCalled();
    expect(steal).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
    expect(steal).toHaveBeenCalledTimes(1);
    expect(window.focus).toHaveBeenCalledTimes(1);
  });

  it('opens where placed, maximises when it was maximised, and reports its normal bounds as it closes', () => {
    const closing = vi.fn();
    const window = windowModule.createMainWindow({
      preloadPath: '/app/dist/preload/index.cjs',
      devTools: false,
      placement: { x: 10, y: 20, width: 800, height: 600, maximized: true },
      onClosing: closing,
      log: silentLogger,
    }) as unknown as FakeBrowserWindow;
    expect(window.options).toMatchObject({
      x: 10,
      y: 20,
      width: 800,
      height: 600,
      minWidth: 560,
      minHeight: 480,
    });
    window.emit('ready-to-show');
    expect(window.maximize).toHaveBeenCalledTimes(1);
    window.emit('close', { preventDefault: vi.fn() });
    expect(closing).toHaveBeenCalledWith({
      bounds: { x: 10, y: 20, width: 800, height: 600 },
      maximized: true,
    });
  });

  it('without a placement opens at the default size, centred (no position given)', () => {
    const window = createWindow();
    expect(window.options).toMatchObject({ width: 960, height: 720 });
    expect(window.options).not.toHaveProperty('x');
    expect(window.options).not.toHaveProperty('y');
  });
});
