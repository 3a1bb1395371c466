import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import { CHANNELS, METHOD_NAMES, SESSION_STATE_EVENT } from '../../../../common/channels';
import type { HandlerTable } from '../../../../common/contract';
import type { SessionState } from '../../../../common/session-state';

/**
 * main/electron/ipc.ts is the thin Electron transport. The Electron binary cannot run here, so `electron` is
 * replaced by a recorder of ipcMain.handle/removeHandler; everything behind it is the real wrapper.
 */
const registered = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, listener: (event: unknown, input: unknown) => Promise<unknown>) => {
      if (registered.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      registered.set(channel, listener);
    },
    removeHandler: (channel: string) => void registered.delete(channel),
  },
}));

const { registerIpcHandlers, broadcastSessionState } = await import('../../../../main/electron/ipc');

/** Each handler answers with its own name, so the routing itself is what is checked. */
const handlers = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, async () => name]),
) as unknown as HandlerTable;

function eventFrom(url: string, id = 1) {
  const frame = { url, parent: null, processId: 1, routingId: 1 };
  return { sender: { id, mainFrame: frame }, senderFrame: frame };
}

const silent = { warn() {}, error() {} };

beforeEach(() => registered.clear());

describe('registerIpcHandlers (main/electron/ipc.ts)', () => {
  it('registers every contract channel once, each routed to its own handler', async () => {
    registerIpcHandlers({ handlers, isTrustedWebContents: (id) => id === 1, log: silent });
    expect([...registered.keys()].sort()).toEqual(METHOD_NAMES.map((name) => CHANNELS[name]).sort());
    for (const name of METHOD_NAMES) {
      const input =
        name === 'signOut'
          ? { everywhere: false }
          : name === 'updateMetadata'
            ? { patch: { a: 1 } }
            : name === 'submitCallbackUrl'
              ? { url: 'http://127.0.0.1:1/callback?state=s&code=c' }
              : undefined;
      const listener = registered.get(CHANNELS[name])!;
      await expect(listener(eventFrom(`${APP_ORIGIN}/index.html`), input)).resolves.toEqual({
        ok: true,
        value: name,
      });
    }
  });

  it('puts the guard in front of every registered channel', async () => {
    registerIpcHandlers({ handlers, isTrustedWebContents: (id) => id === 1, log: silent });
    for (const listener of registered.values()) {
      await expect(listener(eventFrom('https://evil.example/'), undefined)).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      await expect(listener(eventFrom(`${APP_ORIGIN}/index.html`, 2), undefined)).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
  });

  it('returns a function that removes every channel again (so a second registration works)', () => {
    const unregister = registerIpcHandlers({ handlers, isTrustedWebContents: () => true, log: silent });
    unregister();
    expect(registered.size).toBe(0);
    expect(() =>
      registerIpcHandlers({ handlers, isTrustedWebContents: () => true, log: silent }),
    ).not.toThrow();
  });
});

describe('broadcastSessionState (main/electron/ipc.ts)', () => {
  it("pushes to each live, trusted window's webContents on our origin", () => {
    const listeners = new Set<(state: SessionState) => void>();
    const session = {
      subscribe: (listener: (state: SessionState) => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    const sent: Array<[number, string, SessionState]> = [];
    const window = (id: number, url: string, destroyed = false) => ({
      isDestroyed: () => destroyed,
      webContents: {
        id,
        isDestroyed: () => destroyed,
        getURL: () => url,
        send: (channel: string, state: SessionState) => sent.push([id, channel, state]),
      },
    });
    const windows = [
      window(1, `${APP_ORIGIN}/`),
      window(2, `${APP_ORIGIN}/`, true),
      window(3, `${APP_ORIGIN}/`),
    ];
    const stop = broadcastSessionState({
      session,
      windows: () => windows as never,
      isTrustedWebContents: (id) => id !== 3,
      log: silent,
    });
    const state: SessionState = { status: 'signedOut', storage: { kind: 'keychain' } };
    listeners.forEach((listener) => listener(state));
    expect(sent).toEqual([[1, SESSION_STATE_EVENT, state]]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
