/**
 * Notices the network coming back. Electron's `net.isOnline()` is cheap (it reads the OS's idea of
 * connectivity, no request), so polling it every few seconds costs nothing; when it turns from false
 * to true the session is re-checked at once instead of waiting for the offline backoff timer.
 * Plain Node: the probe and the timers are arguments.
 */
export interface ConnectivityWatcherOptions {
  isOnline: () => boolean;
  onBackOnline: () => void;
  intervalMs?: number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export const CONNECTIVITY_POLL_MS = 5_000;

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
