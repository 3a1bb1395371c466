import type { ErrorInfo } from '../../common/errors';
import type { Profile, SessionPhase } from '../../common/session-state';
import { backoffDelay, type BackoffSettings } from './backoff';
import type { SessionTimers } from './session-context';

export interface OfflineRetry {
  /** Shows the session offline and schedules the next re-check, each one later than the last. */
  goOffline(profile: Profile, lastError: ErrorInfo): void;
  /** Stops the pending re-check; the backoff keeps counting. */
  cancel(): void;
  /** Stops the pending re-check and forgets the backoff: the provider answered, or the session ended. */
  reset(): void;
}

export interface OfflineRetryDeps {
  timers: SessionTimers;
  backoff: BackoffSettings;
  now: () => number;
  setPhase: (next: SessionPhase) => void;
  /** The automatic re-check, run when a scheduled retry is due. */
  onRetryDue: () => void;
}

/** While the provider is unreachable the session stays, offline, and is re-checked with backoff. */
export function createOfflineRetry(deps: OfflineRetryDeps): OfflineRetry {
  const { timers, backoff, now, setPhase, onRetryDue } = deps;
  let retryTimer: unknown = null;
  let retryAttempt = 0;
  let offlineSince: number | null = null;

  function cancel(): void {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function reset(): void {
    cancel();
    retryAttempt = 0;
    offlineSince = null;
  }

  function goOffline(profile: Profile, lastError: ErrorInfo): void {
    cancel();
    retryAttempt += 1;
    const delay = backoffDelay(retryAttempt, backoff);
    offlineSince ??= now();
    setPhase({
      status: 'offline',
      profile,
      since: offlineSince,
      nextRetryAt: now() + delay,
      lastError,
    });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      onRetryDue();
    }, delay);
  }

  return { goOffline, cancel, reset };
}
