import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { SessionState } from '../../../../common/session-state';
import { silentLogger } from '../../../../main/log';
import {
  signInJustCompleted,
  watchConnectivity,
  wireLifecycle,
  wireWindowSummons,
} from '../../../../main/shell/lifecycle';

const profile = { sub: 'local|ada', name: 'Ada' };
const storage = { kind: 'keychain' } as const;
const signedOut: SessionState = { status: 'signedOut', storage };
const signingIn: SessionState = {
  status: 'signingIn',
  authorizationUrl: 'https://x/',
  startedAt: 1,
  expiresAt: 2,
  redirect: { uri: 'http://127.0.0.1:50000/callback', fixedPort: false },
  storage,
};
const signedIn: SessionState = {
  status: 'signedIn',
  profile,
  validatedAt: 1,
  accessTokenExpiresAt: 2,
  storage,
};
const restoring: SessionState = { status: 'restoring', profile, storage };

/**
 * The session side of the lifecycle, recording calls. A stand-in rather than the real SessionManager:
 * what is pinned here is which events lead to which session call, not what the session then does
 * (tests/unit/main/session and tests/integration/main/session cover that with the real keychain and provider).
 */
function recordingSession(initial: SessionState = signedOut) {
  let state = initial;
  const listeners = new Set<(state: SessionState) => void>();
  const session = {
    recheck: vi.fn(async () => state),
    dispose: vi.fn(),
    getState: () => state,
    subscribe: (listener: (state: SessionState) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(next: SessionState) {
      state = next;
      for (const listener of listeners) listener(next);
    },
  };
  return session;
}

function setup(
  options: { platform?: NodeJS.Platform; cleanups?: Array<() => Promise<void>>; online?: boolean[] } = {},
) {
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const powerMonitor = new EventEmitter();
  const session = recordingSession();
  const showWindow = vi.fn();
  const online = options.online ?? [true];
  let probe = 0;
  const lifecycle = wireLifecycle({
    app,
    powerMonitor,
    session,
    isOnline: () => online[Math.min(probe++, online.length - 1)] ?? true,
    showWindow,
    cleanups: options.cleanups ?? [],
    platform: options.platform ?? 'linux',
    log: silentLogger,
    connectivityPollMs: 5,
    quitTimeoutMs: 200,
  });
  return { app, powerMonitor, session, showWindow, lifecycle };
}

describe('wireLifecycle', () => {
  it('waking from sleep and unlocking the screen re-check the session', () => {
    const { powerMonitor, session, lifecycle } = setup();
    powerMonitor.emit('resume');
    expect(session.recheck).toHaveBeenCalledTimes(1);
    powerMonitor.emit('unlock-screen');
    expect(session.recheck).toHaveBeenCalledTimes(2);
    lifecycle.stop();
  });

  it('the network coming back re-checks the session once', async () => {
    const { session, lifecycle } = setup({ online: [false, false, true, true, true] });
    await vi.waitFor(() => expect(session.recheck).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(session.recheck).toHaveBeenCalledTimes(1);
    lifecycle.stop();
  });

  it('comes to the front when a browser sign-in completes, not on restore', () => {
    const { session, showWindow, lifecycle } = setup();
    session.push(restoring);
    session.push(signedIn);
    expect(showWindow).not.toHaveBeenCalled();
    session.push(signingIn);
    session.push(signedIn);
    expect(showWindow).toHaveBeenCalledTimes(1);
    lifecycle.stop();
  });

  it('quitting disposes the session (cancelling a pending sign-in) and runs the cleanups before quitting', async () => {
    let closed = false;
    const { app, session } = setup({ cleanups: [async () => void (closed = true)] });
    // Electron's order (electron/electron shell/browser/browser.cc): before-quit, the windows close,
    // then will-quit once every window is gone.
    app.emit('before-quit', { preventDefault: vi.fn() });
    expect(session.dispose).not.toHaveBeenCalled();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(session.dispose).toHaveBeenCalledTimes(1);
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(closed).toBe(true);
    // The second round (from that quit()) goes through and disposes nothing twice.
    app.emit('before-quit', { preventDefault: vi.fn() });
    const second = { preventDefault: vi.fn() };
    app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(session.dispose).toHaveBeenCalledTimes(1);
  });

  it('a quit cancelled by a window ("Keep editing") leaves the session alive; the confirmed quit then cleans up', async () => {
    let closed = 0;
    const { app, session, powerMonitor } = setup({ cleanups: [async () => void (closed += 1)] });
    // First attempt: before-quit, then a window refuses to close. Electron sends no further event
    // (no will-quit) and the app keeps running with its window.
    app.emit('before-quit', { preventDefault: vi.fn() });
    expect(session.dispose).not.toHaveBeenCalled();
    expect(closed).toBe(0);
    // Still wired: waking the computer re-checks the live session.
    powerMonitor.emit('resume');
    expect(session.recheck).toHaveBeenCalledTimes(1);
    // Second attempt, confirmed: every window closes, will-quit follows.
    app.emit('before-quit', { preventDefault: vi.fn() });
    const willQuit = { preventDefault: vi.fn() };
    app.emit('will-quit', willQuit);
    expect(session.dispose).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(closed).toBe(1);
  });

  it('with no cleanups, will-quit disposes the session and lets the app end at once', () => {
    const { app, session } = setup();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(session.dispose).toHaveBeenCalledTimes(1);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('a cleanup that hangs cannot keep the app from quitting', async () => {
    const { app } = setup({ cleanups: [() => new Promise<void>(() => undefined)] });
    app.emit('will-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1), { timeout: 2_000 });
  });

  it('closing the last window quits, except on macOS', () => {
    const linux = setup({ platform: 'linux' });
    linux.app.emit('window-all-closed');
    expect(linux.app.quit).toHaveBeenCalledTimes(1);
    const mac = setup({ platform: 'darwin' });
    mac.app.emit('window-all-closed');
    expect(mac.app.quit).not.toHaveBeenCalled();
    linux.lifecycle.stop();
    mac.lifecycle.stop();
  });
});

describe('wireWindowSummons', () => {
  it('a second launch and a dock click bring the running window to the front', () => {
    const app = new EventEmitter();
    const summons = wireWindowSummons(app);
    const showWindow = vi.fn();
    summons.attach(showWindow);
    app.emit('second-instance', {}, ['latchkey'], '/');
    expect(showWindow).toHaveBeenCalledTimes(1);
    app.emit('activate', {}, false);
    expect(showWindow).toHaveBeenCalledTimes(2);
  });

  it('a second launch during startup is kept and honoured once the window can be shown', () => {
    const app = new EventEmitter();
    const summons = wireWindowSummons(app);
    app.emit('second-instance', {}, ['latchkey'], '/');
    app.emit('second-instance', {}, ['latchkey'], '/');
    const showWindow = vi.fn();
    summons.attach(showWindow);
    expect(showWindow).toHaveBeenCalledTimes(1);
    app.emit('second-instance', {}, ['latchkey'], '/');
    expect(showWindow).toHaveBeenCalledTimes(2);
  });

  it('with no summons during startup, attaching shows nothing by itself', () => {
    const app = new EventEmitter();
    const showWindow = vi.fn();
    wireWindowSummons(app).attach(showWindow);
    expect(showWindow).not.toHaveBeenCalled();
  });
});

describe('signInJustCompleted', () => {
  it('is true only from signingIn to signedIn', () => {
    expect(signInJustCompleted(signingIn, signedIn)).toBe(true);
    expect(signInJustCompleted(restoring, signedIn)).toBe(false);
    expect(signInJustCompleted(signedIn, signedIn)).toBe(false);
    expect(signInJustCompleted(undefined, signedIn)).toBe(false);
    expect(signInJustCompleted(signingIn, signedOut)).toBe(false);
  });
});

describe('watchConnectivity', () => {
  it('calls back on each offline-to-online transition only, and stops', () => {
    const ticks: Array<() => void> = [];
    const answers = [true, false, true, true, false, true];
    let index = 0;
    const back = vi.fn();
    const stop = vi.fn();
    const unwatch = watchConnectivity({
      isOnline: () => answers[index++] ?? true,
      onBackOnline: back,
      setInterval: (callback) => ticks.push(callback),
      clearInterval: stop,
    });
    for (let i = 0; i < 5; i++) ticks[0]!();
    expect(back).toHaveBeenCalledTimes(2);
    unwatch();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
