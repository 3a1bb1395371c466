import type { SessionState } from '../../common/session-state';
import type { Logger } from '../log';
import type { SessionManager } from '../session/session-manager';

/**
 * The app's reactions to the outside world, written against the few event sources they need so that
 * they run in tests as in the app (main/electron/app.ts passes Electron's `app` and `powerMonitor`;
 * the events are Electron's: https://www.electronjs.org/docs/latest/api/app#events and
 * https://www.electronjs.org/docs/latest/api/power-monitor#events):
 * - a second launch, or clicking the dock icon on macOS, brings the window to the front. These are
 *   listened to from the moment the single-instance lock is taken (wireWindowSummons), not once
 *   startup has finished: a launch during startup is otherwise lost;
 * - waking from sleep, unlocking the screen and the network coming back re-check the session at once
 *   rather than at the next scheduled check (docs/ARCHITECTURE.md, "Life of a session");
 * - a finished browser sign-in brings the window to the front (signInJustCompleted);
 * - once quitting is certain (`will-quit`), the session is disposed (a pending sign-in cancelled,
 *   which closes the loopback receiver) and the other cleanups run before the process ends.
 */

// Electron's and Node's emitters type their listeners differently; `any` is what both accept.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

interface EventSource {
  on(event: string, listener: Listener): unknown;
}

interface QuitEvent {
  preventDefault(): void;
}

interface LifecycleDeps {
  app: EventSource & { quit(): void };
  powerMonitor: EventSource;
  session: Pick<SessionManager, 'recheck' | 'subscribe' | 'getState' | 'dispose'>;
  /** Electron's net.isOnline. */
  isOnline: () => boolean;
  /** Shows and focuses the main window (a finished browser sign-in). */
  showWindow: () => void;
  /** Extra async cleanups at quit (the in-process local provider). Bounded by `quitTimeoutMs`. */
  cleanups?: ReadonlyArray<() => Promise<void>>;
  /** On macOS an app conventionally stays alive with no window; elsewhere it quits. */
  platform: NodeJS.Platform;
  log: Logger;
  connectivityPollMs?: number;
  quitTimeoutMs?: number;
}

/**
 * A second launch ('second-instance': "guaranteed to be emitted after the `ready` event",
 * https://www.electronjs.org/docs/latest/api/app#event-second-instance) or a click on the macOS dock
 * icon ('activate') asks for the window. They are listened to as soon as the single-instance lock is
 * taken, because startup goes on well after `ready` (the settings, the local provider, the window):
 * a summons that arrives before the app can show its window is kept and honoured once it can.
 */
export interface WindowSummons {
  /** From now on a summons calls `showWindow`; one that arrived earlier is honoured at once. */
  attach(showWindow: () => void): void;
}

export function wireWindowSummons(app: EventSource): WindowSummons {
  let showWindow: (() => void) | undefined;
  let pending = false;
  const summon = () => {
    if (showWindow) showWindow();
    else pending = true;
  };
  app.on('second-instance', summon);
  app.on('activate', summon);
  return {
    attach(show) {
      showWindow = show;
      if (pending) {
        pending = false;
        show();
      }
    },
  };
}

export interface Lifecycle {
  /** Stops listening (the app is quitting anyway; used by tests). */
  stop(): void;
}

export function wireLifecycle(deps: LifecycleDeps): Lifecycle {
  const { app, powerMonitor, session, log } = deps;

  const recheck = (why: string) => () => {
    log.info(`re-checking the session: ${why}`);
    session.recheck().catch((error: unknown) => log.warn(`re-check after ${why} failed`, error));
  };

  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });

  powerMonitor.on('resume', recheck('the computer woke up'));
  powerMonitor.on('unlock-screen', recheck('the screen was unlocked'));
  const stopConnectivity = watchConnectivity({
    isOnline: deps.isOnline,
    onBackOnline: recheck('the network came back'),
    ...(deps.connectivityPollMs ? { intervalMs: deps.connectivityPollMs } : {}),
  });

  let previous: SessionState | undefined = session.getState();
  const unsubscribe = session.subscribe((state) => {
    if (signInJustCompleted(previous, state)) deps.showWindow();
    previous = state;
  });

  // Cleanup waits for `will-quit`, not `before-quit`: a quit can still be cancelled after
  // `before-quit` (a window refusing to close, e.g. "Keep editing" over unsaved changes), and Electron
  // then keeps running with its windows and sends no event saying so. `will-quit` comes only once
  // every window has closed and the app is about to end ("Emitted when all windows have been closed
  // and the application will quit", https://www.electronjs.org/docs/latest/api/app#event-will-quit).
  // Its preventDefault() keeps the process alive (with no windows) while the async cleanups run; the
  // app.quit() afterwards goes through before-quit and will-quit once more, and then ends the app.
  let quitting: 'no' | 'cleaning' | 'done' = 'no';
  const onWillQuit = (event: QuitEvent) => {
    if (quitting === 'done') return;
    if (quitting === 'cleaning') {
      event.preventDefault();
      return;
    }
    quitting = 'cleaning';
    stopConnectivity();
    unsubscribe();
    try {
      session.dispose();
    } catch (error) {
      log.error('disposing the session failed', error);
    }
    const cleanups = deps.cleanups ?? [];
    if (cleanups.length === 0) {
      quitting = 'done';
      return;
    }
    event.preventDefault();
    const all = Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, deps.quitTimeoutMs ?? 3_000).unref());
    void Promise.race([all, timeout]).then(() => {
      quitting = 'done';
      app.quit();
    });
  };
  app.on('will-quit', onWillQuit as Listener);

  return {
    stop: () => {
      stopConnectivity();
      unsubscribe();
    },
  };
}

/**
 * The person signed in in their browser; the app comes to the front by itself with the profile
 * (docs/ARCHITECTURE.md, "Life of a session"). True exactly on the transition from an attempt in
 * progress to signed in, not on restore or on a background refresh.
 */
export function signInJustCompleted(previous: SessionState | undefined, next: SessionState): boolean {
  return previous?.status === 'signingIn' && next.status === 'signedIn';
}

/**
 * Notices the network coming back. Electron's `net.isOnline()` is cheap (it reads the OS's idea of
 * connectivity, no request: https://www.electronjs.org/docs/latest/api/net#netisonline), so polling
 * it every few seconds costs nothing; when it turns from false to true the session is re-checked at
 * once instead of waiting for the offline backoff timer. The probe and the timers are arguments.
 */
interface ConnectivityWatcherOptions {
  isOnline: () => boolean;
  onBackOnline: () => void;
  intervalMs?: number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

const CONNECTIVITY_POLL_MS = 5_000;

export function watchConnectivity(options: ConnectivityWatcherOptions): () => void {
  const every = options.setInterval ?? ((callback, ms) => setInterval(callback, ms).unref());
  const stop = options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
  let online = options.isOnline();
  const handle = every(() => {
    const now = options.isOnline();
    if (now && !online) options.onBackOnline();
    online = now;
  }, options.intervalMs ?? CONNECTIVITY_POLL_MS);
  return () => stop(handle);
}
