import { useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import { useApi } from '../api';
import { formatPast, formatRelative, formatTime } from '../format';
import { useNow } from '../use-now';
import { offlineTitle } from '../offline-title';
import { Notice } from './Notice';

interface OfflineNoticeProps {
  since: number;
  /** Null: Latchkey has stopped checking by itself (the provider keeps refusing). */
  nextRetryAt: number | null;
  lastError: ErrorInfo;
}

/**
 * The session could not be confirmed: the person is still signed in, and Latchkey keeps trying by
 * itself. Usually the provider is unreachable (NETWORK); any other code means it answered, but not
 * in a way that confirms the session, and the title says that instead of blaming the network.
 */
export function OfflineNotice({ since, nextRetryAt, lastError }: OfflineNoticeProps) {
  const api = useApi();
  const now = useNow(1000);
  const [checking, setChecking] = useState(false);

  const retry = async () => {
    setChecking(true);
    // The outcome arrives as a pushed state; the result only ends the busy indicator.
    await api.recheckSession();
    setChecking(false);
  };

  return (
    // Not a live region: it holds a countdown. The announcer says "offline" and "back online" once.
    <Notice tone="warning" title={offlineTitle(lastError)} testId="offline-notice">
      {nextRetryAt === null ? (
        <p data-testid="retries-stopped">
          You are still signed in, but your provider keeps refusing to confirm your session, so Latchkey has
          stopped checking by itself. Press Retry now to try again, or sign out and sign in again.
        </p>
      ) : (
        <p>You are still signed in. Latchkey keeps your session and checks again by itself.</p>
      )}
      <dl className="facts">
        <dt>Since</dt>
        <dd>
          {formatTime(since)} ({formatPast(since, now)})
        </dd>
        <dt>Next check</dt>
        <dd data-testid="next-retry">
          {nextRetryAt === null
            ? 'when you press Retry now'
            : nextRetryAt > now
              ? `${formatTime(nextRetryAt)} (${formatRelative(nextRetryAt, now)})`
              : 'checking now'}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" className="button" onClick={retry} disabled={checking}>
          {checking ? 'Checking…' : 'Retry now'}
        </button>
      </div>
    </Notice>
  );
}
