import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A stand-in for the `electron` module (vi.mock('electron', ...)): the build machines install npm
 * packages with ELECTRON_SKIP_BINARY_DOWNLOAD (.ci/run), so there is no Electron binary to run. Each
 * part records what the app asked of it and lets the test fire the events Electron would
 * (second-instance, resume, will-navigate, ...). Only the parts main/electron/ touches exist.
 */
export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  url = '';
  readonly mainFrame = { url: '', parent: null, processId: 1, routingId: this.id };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return false;
  }
  send = vi.fn();
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows() {
    return FakeBrowserWindow.instances;
  }
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown>;
  minimized = false;
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  loadURL = vi.fn(async (url: string) => {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
  });
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return false;
  }
}

export function createFakeElectron() {
  const paths: Record<string, string> = {};
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    singleInstance: true,
    requestSingleInstanceLock: vi.fn(() => app.singleInstance),
    whenReady: vi.fn(async () => undefined),
    enableSandbox: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
    focus: vi.fn(),
    getVersion: () => '0.0.0-test',
    getAppPath: () => process.cwd(),
    getPath: (name: string) => {
      const path = paths[name];
      if (!path) throw new Error(`fake electron: no path for ${name}`);
      return path;
    },
    setPath: (name: string, path: string) => {
      paths[name] = path;
    },
  });
  const ipcHandlers = new Map<string, (event: unknown, input: unknown) => unknown>();
  const defaultSession = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    setDisplayMediaRequestHandler: vi.fn(),
  };
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession },
    // showMessageBoxSync answers with the index of the button a test chose (default: the first).
    dialog: { showErrorBox: vi.fn(), showMessageBoxSync: vi.fn((..._args: unknown[]) => 0) },
    net: { isOnline: vi.fn(() => true) },
    powerMonitor: new EventEmitter(),
    shell: { openExternal: vi.fn(async () => undefined) },
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, input: unknown) => unknown) => {
        ipcHandlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => ipcHandlers.delete(channel)),
    },
    ipcHandlers,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** An IPC invoke event as Electron would build it for the window's main frame. */
export function invokeEventFrom(window: FakeBrowserWindow) {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame };
}
