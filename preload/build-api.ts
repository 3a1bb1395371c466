import { CHANNELS, METHOD_NAMES, SESSION_STATE_EVENT } from '../common/channels';
import { inputBoundsProblem } from '../common/input-bounds';
import type { LatchkeyApi, Result } from '../common/contract';
import type { SessionState } from '../common/session-state';

/**
 * Builds `window.latchkey` from the contract, given the three ipcRenderer functions it may use.
 * Plain (no `electron` import) so that it is tested as is; preload/index.ts passes the real ones.
 * The page gets named methods only: no channel names, no raw ipcRenderer, no Electron event object.
 * It imports values from common/channels.ts and common/input-bounds.ts only (contract.ts for types),
 * so the preload bundle carries no zod.
 */
export type Invoke = (channel: string, input: unknown) => Promise<unknown>;
/** The listener shape ipcRenderer.on takes: the event object first, which never reaches the page. */
export type IpcListener = (event: unknown, payload: unknown) => void;
export type On = (channel: string, listener: IpcListener) => void;
export type Off = (channel: string, listener: IpcListener) => void;

const UNREACHABLE: Result<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'Latchkey could not reach its main process. Restart the app.' },
};

export function buildLatchkeyApi(invoke: Invoke, on: On, off: Off): LatchkeyApi {
  const api: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    const channel = CHANNELS[name];
    // The input goes to main as given: main validates it; the preload is not a trust boundary.
    // Only an input past the size bounds stays here, so that main does not even have to receive
    // it (main checks the same bounds again, common/input-bounds.ts).
    api[name] = async (input?: unknown) => {
      const outOfBounds = inputBoundsProblem(input);
      if (outOfBounds !== undefined)
        return { ok: false, error: { code: 'INVALID_INPUT', message: outOfBounds } };
      try {
        return (await invoke(channel, input)) as Result<unknown>;
      } catch {
        // invoke rejects only when the transport itself failed (no handler, main gone); the page
        // still gets a Result, as the contract promises.
        return UNREACHABLE;
      }
    };
  }
  api.onSessionState = (listener: (state: SessionState) => void) => {
    const forward: IpcListener = (_event, state) => listener(state as SessionState);
    on(SESSION_STATE_EVENT, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off(SESSION_STATE_EVENT, forward);
    };
  };
  return Object.freeze(api) as LatchkeyApi;
}
