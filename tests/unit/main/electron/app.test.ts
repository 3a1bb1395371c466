import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, METHOD_NAMES } from '../../../../common/channels';
import { startIdp, type RunningIdp } from '../../../../idp';
import type { RunningApp } from '../../../../main/electron/app';
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
  electron.app.setPath('userData', join(dir, 'user-data'));
  electron.app.setPath('logs', join(dir, 'logs'));
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
    electron.app.emit('second-instance', {}, [], dir);
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    const dispose = vi.spyOn(app.services.session, 'dispose');
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
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
      await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
      await expect(fetch(`${app.provider.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
      app.lifecycle.stop();
    }
  });
});
