import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CHANNELS, METHOD_NAMES, SESSION_STATE_EVENT } from '../../../common/channels';
import type { SessionState } from '../../../common/session-state';
import { buildLatchkeyApi, type IpcListener } from '../../../preload/build-api';

/**
 * ipcRenderer is an EventEmitter whose listeners get (event, ...args); a node EventEmitter with the
 * same calling shape stands in for it, because the Electron transport cannot run here.
 */
function fakeIpcRenderer() {
  const emitter = new EventEmitter();
  const invocations: Array<{ channel: string; input: unknown }> = [];
  let answer: (channel: string, input: unknown) => Promise<unknown> = async (channel) => ({
    ok: true,
    value: channel,
  });
  return {
    emitter,
    invocations,
    answerWith(fn: typeof answer) {
      answer = fn;
    },
    invoke: (channel: string, input: unknown) => {
      invocations.push({ channel, input });
      return answer(channel, input);
    },
    on: (channel: string, listener: IpcListener) => void emitter.on(channel, listener),
    off: (channel: string, listener: IpcListener) => void emitter.off(channel, listener),
  };
}

const SIGNED_OUT: SessionState = { status: 'signedOut', storage: { kind: 'keychain' } };
const ELECTRON_EVENT = { sender: { send() {} }, ports: [], senderId: 0 };

describe('buildLatchkeyApi (preload)', () => {
  it('offers exactly the contract methods plus onSessionState, and nothing to reach ipcRenderer', () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'onSessionState'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it("invokes each method's own channel with the input as given", async () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    await api.getSessionState();
    await api.signOut({ everywhere: true });
    await api.updateMetadata({ patch: { country: 'NZ' } });
    expect(ipc.invocations).toEqual([
      { channel: CHANNELS.getSessionState, input: undefined },
      { channel: CHANNELS.signOut, input: { everywhere: true } },
      { channel: CHANNELS.updateMetadata, input: { patch: { country: 'NZ' } } },
    ]);
    for (const name of METHOD_NAMES) {
      const result = await (api[name] as () => Promise<unknown>)();
      expect(result).toEqual({ ok: true, value: CHANNELS[name] });
    }
  });

  it("returns main's Result unchanged, failures included", async () => {
    const ipc = fakeIpcRenderer();
    ipc.answerWith(async () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } }));
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    await expect(api.getProfile()).resolves.toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'no' },
    });
  });

  it('never rejects: a failed transport becomes an INTERNAL result', async () => {
    const ipc = fakeIpcRenderer();
    ipc.answerWith(() => Promise.reject(new Error("No handler registered for 'latchkey:session:get'")));
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    const result = await api.getSessionState();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INTERNAL');
  });

  it('hands the listener the state only, never the Electron event object', () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    const calls: unknown[][] = [];
    api.onSessionState((...args: unknown[]) => calls.push(args));
    ipc.emitter.emit(SESSION_STATE_EVENT, ELECTRON_EVENT, SIGNED_OUT);
    expect(calls).toEqual([[SIGNED_OUT]]);
    expect(calls.flat()).not.toContain(ELECTRON_EVENT);
  });

  it('unsubscribe stops that listener only, and is safe to call twice', () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    const first: SessionState[] = [];
    const second: SessionState[] = [];
    const stopFirst = api.onSessionState((state) => first.push(state));
    const stopSecond = api.onSessionState((state) => second.push(state));
    ipc.emitter.emit(SESSION_STATE_EVENT, ELECTRON_EVENT, SIGNED_OUT);
    stopFirst();
    stopFirst();
    ipc.emitter.emit(SESSION_STATE_EVENT, ELECTRON_EVENT, { ...SIGNED_OUT, reason: { kind: 'signedOut' } });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
    expect(ipc.emitter.listenerCount(SESSION_STATE_EVENT)).toBe(1);
    stopSecond();
    expect(ipc.emitter.listenerCount(SESSION_STATE_EVENT)).toBe(0);
  });

  it('is typed from the contract: inputs where the contract has them, none where it has not', () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    // Compile-time pins (tsc runs over tests): each line below must fail to type-check.
    // @ts-expect-error signOut needs { everywhere }
    void api.signOut();
    // @ts-expect-error no-input methods take no argument
    void api.getSessionState({});
    // @ts-expect-error metadata patches hold JSON values only
    void api.updateMetadata({ patch: { when: new Date() } });
    expect(ipc.invocations).toHaveLength(3);
  });

  it('listens on the session state channel only', () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    const seen: SessionState[] = [];
    api.onSessionState((state) => seen.push(state));
    ipc.emitter.emit('some:other:channel', ELECTRON_EVENT, SIGNED_OUT);
    expect(seen).toEqual([]);
    expect(ipc.emitter.eventNames()).toEqual([SESSION_STATE_EVENT]);
  });

  it('never sends an input past the size bounds: main does not even receive it', async () => {
    const ipc = fakeIpcRenderer();
    const api = buildLatchkeyApi(ipc.invoke, ipc.on, ipc.off);
    const patch: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) patch[`k${i}`] = i;
    const result = await api.updateMetadata({ patch });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(ipc.invocations).toEqual([]);
    await api.updateMetadata({ patch: { country: 'NZ' } });
    expect(ipc.invocations).toHaveLength(1);
  });
});
