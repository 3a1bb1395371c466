import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, METHOD_NAMES } from '../../../../common/channels';
import { startIdp, type RunningIdp } from '../../../../idp';
import type { RunningApp } from '../../../../main/electron/app';
import { DEVELOPMENT_FOLDER_NAME } from '../../../../main/config/user-data-folder';
import type { KeychainBackend } from '../../../../main/keychain/keychain-store';
import { PROJECT_DOCS_URL } from '../../../../main/shell/external-links';
import type { MenuItemSpec } from '../../../../main/shell/app-menu';
import { CookieJar, DEFAULT_SCOPE, resolveAccount } from '../../../fixtures/idp-login';
import {
  createFakeElectron,
  FakeBrowserWindow,
  invokeEventFrom,
  type FakeElectron,
} from '../../../fixtures/fake-electron';

/**
 * main/electron/app.ts, the composition root, run for real except for Electron itself (its binary cannot run
 * here: the module is replaced by recording fakes). Configuration, services, the session, the
 * keychain store, the IPC wrapper and the local provider are the real ones.
 */

let idp: RunningIdp;
let dir: string;
const LATCHKEY_VARS = ['ISSUER', 'CLIENT_ID', 'AUDIENCE', 'SCOPES', 'USERS_API', 'AUTH0_DOMAIN'].map(
  (n) => `LATCHKEY_${n}`,
);

beforeAll(async () => {
  idp = await startIdp();
});
afterAll(async () => {
  await idp.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-app-'));
  for (const name of LATCHKEY_VARS) delete process.env[name];
  vi.resetModules();
});
afterEach(async () => {
  for (const name of LATCHKEY_VARS) delete process.env[name];
  // The file logger may still be flushing into logs/: retry instead of failing on ENOTEMPTY.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

/**
 * Imports main/electron/app.ts afresh (it starts the app on import) against a fresh fake Electron, configured by
 * `prepare` first. vi.doMock, not a hoisted vi.mock: each launch needs its own fake, and
 * vi.resetModules keeps a hoisted mock's first instance.
 */
async function launch(prepare: (electron: FakeElectron) => void = () => undefined) {
  const electron = createFakeElectron();
  vi.doMock('electron', () => electron);
  electron.app.setPath('appData', join(dir, 'app-data'));
  electron.app.setPath('userData', join(dir, 'user-data'));
  electron.app.setPath('logs', join(dir, 'logs'));
  electron.app.setPath.mockClear();
  prepare(electron);
  const module = await import('../../../../main/electron/app');
  const running: RunningApp | undefined = await module.started;
  return { electron, running };
}

function useProvider() {
  process.env.LATCHKEY_ISSUER = idp.issuer;
  process.env.LATCHKEY_CLIENT_ID = idp.clientId;
  process.env.LATCHKEY_AUDIENCE = idp.audience;
  process.env.LATCHKEY_USERS_API = `${idp.issuer}/api/v2`;
}

describe('main/electron/app.ts', () => {
  it('hands over to the running instance when the single-instance lock is taken', async () => {
    const windowsBefore = FakeBrowserWindow.instances.length;
    const { electron, running } = await launch((e) => (e.app.singleInstance = false));
    expect(FakeBrowserWindow.instances.length).toBe(windowsBefore);
    expect(running).toBeUndefined();
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    // The scheme is still registered first thing, before any ready.
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
  });

  it('takes --user-data-dir as the user-data folder before the single-instance lock reads it', async () => {
    const profile = join(dir, 'second-profile');
    const argv = process.argv;
    process.argv = [...argv, `--user-data-dir=${profile}`];
    let folderAtLock: string | undefined;
    try {
      await launch((e) => {
        e.app.singleInstance = false; // hand over at once: only the order matters here
        e.app.requestSingleInstanceLock.mockImplementation(() => {
          folderAtLock = e.app.getPath('userData');
          return false;
        });
      });
    } finally {
      process.argv = argv;
    }
    expect(folderAtLock).toBe(profile);
  });

  it('wires config → services → window → IPC → restore, all hardened', async () => {
    useProvider();
    const windowsBefore = FakeBrowserWindow.instances.length;
    const { electron, running } = await launch();
    expect(running).toBeDefined();
    const app = running!;
    expect(app.provider).toEqual({ kind: 'configured', issuer: idp.issuer });
    expect(app.services.settings).toMatchObject({ issuer: idp.issuer, clientId: idp.clientId });

    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));

    const windows = electron.BrowserWindow.instances.slice(windowsBefore);
    expect(windows).toHaveLength(1);
    const window = windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(window.loadURL).toHaveBeenCalledWith('app://latchkey/index.html');

    // Every contract channel is registered, and answers the window's own frame.
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(
      METHOD_NAMES.map((name) => CHANNELS[name]).sort(),
    );
    await vi.waitFor(() => expect(app.services.session.getState().status).toBe('signedOut'));
    const getState = electron.ipcHandlers.get(CHANNELS.getSessionState)!;
    expect(await getState(invokeEventFrom(window), undefined)).toMatchObject({
      ok: true,
      value: { status: 'signedOut' },
    });
    const diagnostics = await electron.ipcHandlers.get(CHANNELS.getDiagnostics)!(
      invokeEventFrom(window),
      undefined,
    );
    expect(diagnostics).toMatchObject({
      ok: true,
      value: { provider: { kind: 'configured', issuer: idp.issuer } },
    });

    // A frame Latchkey did not create is refused by the sender guard.
    const stranger = {
      sender: { id: 99_999, mainFrame: null },
      senderFrame: { url: 'app://latchkey/index.html', parent: null },
    };
    expect(await getState(stranger, undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // Resume → recheck; second launch → window to the front; quit → dispose.
    const recheck = vi.spyOn(app.services.session, 'recheck');
    electron.powerMonitor.emit('resume');
    expect(recheck).toHaveBeenCalledTimes(1);
    window.emit('ready-to-show');
    electron.app.emit('second-instance', {}, [], dir);
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    const dispose = vi.spyOn(app.services.session, 'dispose');
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    expect(dispose).not.toHaveBeenCalled();
    electron.app.emit('will-quit', { preventDefault: vi.fn() });
    expect(dispose).toHaveBeenCalledTimes(1);
    app.lifecycle.stop();
  });

  it('a packaged build with no configuration explains how to configure it and quits', async () => {
    const windowsBefore = FakeBrowserWindow.instances.length;
    const { electron, running } = await launch((e) => (e.app.isPackaged = true));
    expect(running).toBeUndefined();
    expect(FakeBrowserWindow.instances.length).toBe(windowsBefore);
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Latchkey is not configured yet',
      expect.stringContaining(join(dir, 'user-data', 'latchkey.config.json')),
    );
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.protocol.handle).not.toHaveBeenCalled();
  });

  it('invalid settings show the CONFIG_INVALID message and quit', async () => {
    process.env.LATCHKEY_ISSUER = 'http://login.example.com';
    process.env.LATCHKEY_CLIENT_ID = 'c';
    const { electron, running } = await launch();
    expect(running).toBeUndefined();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Latchkey: the provider settings are invalid',
      expect.stringContaining('LATCHKEY_ISSUER'),
    );
    expect(electron.app.quit).toHaveBeenCalled();
  });

  it('development with nothing configured starts the local demo provider and says so in diagnostics', async () => {
    const { electron, running } = await launch();
    const app = running!;
    try {
      expect(app.provider.kind).toBe('local-demo');
      expect(app.provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(app.services.settings.usersApi).toEqual({
        kind: 'auth0',
        baseUrl: `${app.provider.issuer}/api/v2`,
      });
      const discovery = await fetch(`${app.provider.issuer}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      const window = electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
      const diagnostics = await electron.ipcHandlers.get(CHANNELS.getDiagnostics)!(
        invokeEventFrom(window),
        undefined,
      );
      expect(diagnostics).toMatchObject({ ok: true, value: { provider: { kind: 'local-demo' } } });
    } finally {
      // Quitting closes the in-process provider before the real quit.
      electron.app.emit('before-quit', { preventDefault: vi.fn() });
      electron.app.emit('will-quit', { preventDefault: vi.fn() });
      await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
      await expect(fetch(`${app.provider.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
      app.lifecycle.stop();
    }
  });
  it('a development run uses a user-data folder of its own, before the lock, with its own settings file', async () => {
    const devFolder = join(dir, 'app-data', DEVELOPMENT_FOLDER_NAME);
    await mkdir(devFolder, { recursive: true });
    await writeFile(
      join(devFolder, 'latchkey.config.json'),
      JSON.stringify({ issuer: idp.issuer, clientId: idp.clientId, usersApi: `${idp.issuer}/api/v2` }),
    );
    let folderAtLock: string | undefined;
    const { electron, running } = await launch((e) => {
      e.app.requestSingleInstanceLock.mockImplementation(() => {
        folderAtLock = e.app.getPath('userData');
        return true;
      });
    });
    try {
      expect(folderAtLock).toBe(devFolder);
      expect(electron.app.setPath).toHaveBeenCalledWith('userData', devFolder);
      expect(electron.app.setAppLogsPath).toHaveBeenCalledWith(join(devFolder, 'logs'));
      // The settings came from the development folder's file, not from the installed app's.
      expect(running!.provider).toEqual({ kind: 'configured', issuer: idp.issuer });
    } finally {
      running?.lifecycle.stop();
    }
  });

  it('a packaged build keeps the installed user-data folder', async () => {
    const { electron } = await launch((e) => (e.app.isPackaged = true));
    expect(electron.app.setPath).not.toHaveBeenCalledWith('userData', expect.anything());
    expect(existsSync(join(dir, 'app-data', DEVELOPMENT_FOLDER_NAME))).toBe(false);
  });

  it('a second launch during startup brings the window to the front once it has painted', async () => {
    useProvider();
    const { electron, running } = await launch((e) => {
      // 'second-instance' comes after ready (Electron guarantees it), here while startup is still going.
      e.app.whenReady.mockImplementation(async () => {
        e.app.emit('second-instance', {}, ['latchkey'], dir);
      });
    });
    try {
      const window = electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
      // Not shown before its first paint (no white flash), then shown and focused, with macOS's focus steal.
      expect(window.show).not.toHaveBeenCalled();
      window.emit('ready-to-show');
      expect(window.show).toHaveBeenCalledTimes(1);
      expect(window.focus).toHaveBeenCalledTimes(1);
      if (process.platform === 'darwin') expect(electron.app.focus).toHaveBeenCalledWith({ steal: true });
    } finally {
      running?.lifecycle.stop();
    }
  });

  it('sets a menu before any window: Edit everywhere, no Reload or DevTools when packaged, Help opens the docs through the allowlist', async () => {
    useProvider();
    const { electron, running } = await launch((e) => (e.app.isPackaged = true));
    try {
      expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
      const template = electron.Menu.buildFromTemplate.mock.calls[0]![0] as MenuItemSpec[];
      const roles = JSON.stringify(template);
      expect(roles).toContain('"editMenu"');
      expect(roles).not.toMatch(/reload|toggleDevTools/i);
      expect(electron.app.setAboutPanelOptions).toHaveBeenCalledWith(
        expect.objectContaining({ applicationName: 'Latchkey', applicationVersion: '0.0.0-test' }),
      );
      const help = template.at(-1)!.submenu!;
      help.find((item) => item.label === 'Latchkey Documentation')!.click!();
      await vi.waitFor(() => expect(electron.shell.openExternal).toHaveBeenCalledWith(PROJECT_DOCS_URL));
    } finally {
      running?.lifecycle.stop();
    }
  });

  it('remembers the window where it was closed and opens it there next time', async () => {
    useProvider();
    const first = await launch();
    const window = first.electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
    expect(window.options).toMatchObject({ width: 960, height: 720 });
    expect(window.options).not.toHaveProperty('x');
    window.normalBounds = { x: 100, y: 50, width: 1000, height: 700 };
    window.emit('close', { preventDefault: vi.fn() });
    first.running?.lifecycle.stop();
    const saved = join(dir, 'app-data', DEVELOPMENT_FOLDER_NAME, 'window-state.json');
    expect(JSON.parse(await readFile(saved, 'utf8'))).toEqual({
      bounds: { x: 100, y: 50, width: 1000, height: 700 },
      maximized: false,
    });

    vi.resetModules();
    const second = await launch();
    try {
      const reopened = second.electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
      expect(reopened.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700 });
    } finally {
      second.running?.lifecycle.stop();
    }
  });

  it('"Show logs" opens the log folder with shell.openPath, and says so when the desktop cannot', async () => {
    useProvider();
    const { electron, running } = await launch();
    const app = running!;
    try {
      const window = electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
      const invoke = (channel: string) =>
        electron.ipcHandlers.get(channel)!(invokeEventFrom(window), undefined);
      expect(await invoke(CHANNELS.showLogs)).toEqual({ ok: true, value: undefined });
      expect(electron.shell.openPath).toHaveBeenCalledWith(electron.app.getPath('logs'));
      // shell.openPath resolves with an error message instead of rejecting.
      electron.shell.openPath.mockResolvedValueOnce('No application is registered for folders');
      expect(await invoke(CHANNELS.showLogs)).toEqual({
        ok: false,
        error: {
          code: 'NOT_FOUND',
          message: 'The log folder could not be opened (No application is registered for folders).',
        },
      });
    } finally {
      app.lifecycle.stop();
    }
  });

  it("every request to the provider and its users API goes through Electron's net (Chromium's network stack)", async () => {
    useProvider();
    process.env.LATCHKEY_SCOPES = DEFAULT_SCOPE;
    const nodeFetch = vi.spyOn(globalThis, 'fetch');
    // keytar replaced by a keychain in memory: a unit test never writes to this computer's keychain.
    const items = new Map<string, string>();
    const memoryKeychain: KeychainBackend = {
      getPassword: async (service, account) => items.get(`${service}/${account}`) ?? null,
      setPassword: async (service, account, password) => void items.set(`${service}/${account}`, password),
      deletePassword: async (service, account) => items.delete(`${service}/${account}`),
      findCredentials: async () => [],
    };
    vi.doMock('keytar', () => ({ default: memoryKeychain, ...memoryKeychain }));
    const { electron, running } = await launch((e) =>
      e.shell.openExternal.mockImplementation(async (url: string) => {
        void signInWithFetch(url, 'ada');
      }),
    );
    const app = running!;
    try {
      const window = electron.BrowserWindow.instances.at(-1) as FakeBrowserWindow;
      const invoke = (channel: string, input?: unknown) =>
        electron.ipcHandlers.get(channel)!(invokeEventFrom(window), input);
      await vi.waitFor(() => expect(app.services.session.getState().status).toBe('signedOut'));
      const signedIn = await invoke(CHANNELS.signIn);
      expect(signedIn, JSON.stringify(signedIn)).toMatchObject({ ok: true });
      const metadata = await invoke(CHANNELS.getMetadata);
      expect(metadata, JSON.stringify(metadata)).toMatchObject({ ok: true });

      const requested = electron.net.request.mock.calls.map(([options]) => new URL(options.url).pathname);
      expect(requested).toEqual(
        expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/me']),
      );
      const fetched = electron.net.fetch.mock.calls.map(
        ([input]) => new URL(String(input instanceof Request ? input.url : input)).pathname,
      );
      expect(fetched).toEqual([`/api/v2/users/${encodeURIComponent(resolveAccount(idp, 'ada').sub)}`]);
      // Node's own fetch carried only the test's browser side and the fake net's users API call.
      const appPaths = nodeFetch.mock.calls
        .map(([input]) => new URL(input instanceof Request ? input.url : String(input)).pathname)
        .filter((path) => ['/.well-known/openid-configuration', '/token', '/me'].includes(path));
      expect(appPaths).toEqual([]);
    } finally {
      nodeFetch.mockRestore();
      vi.doUnmock('keytar');
      app.lifecycle.stop();
    }
  });
});

/**
 * The person's side of a sign-in, without a browser: follows the app's authorization URL through the
 * local provider's login form and lands on the app's loopback callback, as a browser would.
 */
async function signInWithFetch(authorizationUrl: string, login: string): Promise<void> {
  const person = resolveAccount(idp, login);
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop += 1) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.pathname === '/callback') {
        await (await fetch(next)).text();
        return;
      }
      url = next.href;
      init = {};
      continue;
    }
    const action = /<form method="post" action="([^"]+\/login)"/.exec(await response.text())?.[1];
    if (!action) throw new Error(`sign-in stopped at ${url} with HTTP ${response.status}`);
    url = new URL(action.replaceAll('&amp;', '&'), url).href;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: person.login, password: person.password }).toString(),
    };
  }
  throw new Error('too many redirects');
}
