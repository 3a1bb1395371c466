import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import { SESSION_STATE_EVENT } from '../../../../common/channels';
import type { SessionState } from '../../../../common/session-state';
import { startSessionStateBroadcast, type BroadcastTarget } from '../../../../main/ipc/state-broadcast';

/** Windows' webContents, as far as a push needs them (the Electron transport cannot run here). */
function target(id: number, url: string, options: { destroyed?: boolean; throws?: boolean } = {}) {
  const received: Array<{ channel: string; payload: SessionState }> = [];
  const t: BroadcastTarget & { received: typeof received } = {
    id,
    received,
    isDestroyed: () => options.destroyed ?? false,
    getURL: () => url,
    send(channel, payload) {
      if (options.throws) throw new Error('Render frame was disposed');
      received.push({ channel, payload });
    },
  };
  return t;
}

function sessionEmitter() {
  const listeners = new Set<(state: SessionState) => void>();
  return {
    subscribe(listener: (state: SessionState) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (state: SessionState) => listeners.forEach((listener) => listener(state)),
    get size() {
      return listeners.size;
    },
  };
}

const STATE: SessionState = {
  status: 'signedOut',
  reason: { kind: 'signedOut' },
  storage: { kind: 'keychain' },
};
const silent = { warn() {}, error() {} };

describe('session state broadcast', () => {
  it('pushes every change to each trusted window on our origin, and only to those', () => {
    const session = sessionEmitter();
    const ours = target(1, `${APP_ORIGIN}/index.html`);
    const ours2 = target(2, `${APP_ORIGIN}/index.html`);
    const untrusted = target(3, `${APP_ORIGIN}/index.html`);
    const navigatedAway = target(4, 'https://evil.example/');
    const destroyed = target(5, `${APP_ORIGIN}/index.html`, { destroyed: true });
    startSessionStateBroadcast({
      session,
      targets: () => [ours, ours2, untrusted, navigatedAway, destroyed],
      isTrustedWebContents: (id) => id !== 3,
      log: silent,
    });
    session.emit(STATE);
    expect(ours.received).toEqual([{ channel: SESSION_STATE_EVENT, payload: STATE }]);
    expect(ours2.received).toHaveLength(1);
    expect(untrusted.received).toEqual([]);
    expect(navigatedAway.received).toEqual([]);
    expect(destroyed.received).toEqual([]);
  });

  it('keeps pushing to the others when one window fails', () => {
    const session = sessionEmitter();
    const broken = target(1, `${APP_ORIGIN}/`, { throws: true });
    const fine = target(2, `${APP_ORIGIN}/`);
    const warnings: string[] = [];
    startSessionStateBroadcast({
      session,
      targets: () => [broken, fine],
      isTrustedWebContents: () => true,
      log: { warn: (message: string) => warnings.push(message), error() {} },
    });
    session.emit(STATE);
    expect(fine.received).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it('asks for the windows at each push, so a window opened later hears the next change', () => {
    const session = sessionEmitter();
    const windows: BroadcastTarget[] = [];
    startSessionStateBroadcast({
      session,
      targets: () => windows,
      isTrustedWebContents: () => true,
      log: silent,
    });
    session.emit(STATE);
    const late = target(9, `${APP_ORIGIN}/`);
    windows.push(late);
    session.emit(STATE);
    expect(late.received).toHaveLength(1);
  });

  it('stops when the returned function is called', () => {
    const session = sessionEmitter();
    const ours = target(1, `${APP_ORIGIN}/`);
    const stop = startSessionStateBroadcast({
      session,
      targets: () => [ours],
      isTrustedWebContents: () => true,
      log: silent,
    });
    stop();
    session.emit(STATE);
    expect(ours.received).toEqual([]);
    expect(session.size).toBe(0);
  });

  it("sends a plain copy, not the session manager's own object", () => {
    const session = sessionEmitter();
    const ours = target(1, `${APP_ORIGIN}/`);
    startSessionStateBroadcast({
      session,
      targets: () => [ours],
      isTrustedWebContents: () => true,
      log: silent,
    });
    session.emit(STATE);
    expect(ours.received[0]?.payload).toEqual(STATE);
    expect(ours.received[0]?.payload).not.toBe(STATE);
  });

  it('pushes nothing, and says so in the log, when a state is not plain data (a bug: it would arrive mangled)', () => {
    const session = sessionEmitter();
    const ours = target(1, `${APP_ORIGIN}/`);
    const errors: string[] = [];
    startSessionStateBroadcast({
      session,
      targets: () => [ours],
      isTrustedWebContents: () => true,
      log: { warn() {}, error: (message: string) => errors.push(message) },
    });
    session.emit({ ...STATE, checkedAt: new Date(0) } as unknown as SessionState);
    expect(ours.received).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(/^session state is not plain data, not pushed: NotPlainDataError/),
    ]);
    // The next, plain, state still goes out.
    session.emit(STATE);
    expect(ours.received).toHaveLength(1);
  });

  it('pushes to the origins it is given instead of our own (the development server)', () => {
    const session = sessionEmitter();
    const devServer = target(1, 'http://localhost:5173/');
    const ours = target(2, `${APP_ORIGIN}/`);
    startSessionStateBroadcast({
      session,
      targets: () => [devServer, ours],
      isTrustedWebContents: () => true,
      allowedOrigins: ['http://localhost:5173'],
      log: silent,
    });
    session.emit(STATE);
    expect(devServer.received).toHaveLength(1);
    expect(ours.received).toEqual([]);
  });
});
