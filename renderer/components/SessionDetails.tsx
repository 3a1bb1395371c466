import type { SessionState } from '../../common/session-state';
import { formatPast, formatRelative, formatTime } from '../format';
import { useNow } from '../use-now';

type ActiveState = Extract<SessionState, { status: 'signedIn' | 'offline' }>;

/** When the session was last confirmed, when the access token is renewed, and where it is kept. */
export function SessionDetails({ state }: { state: ActiveState }) {
  const now = useNow(5000);
  return (
    <section className="card" aria-labelledby="session-title" data-testid="session-details">
      <h2 id="session-title">Session</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="session-status">
          {state.status === 'signedIn' ? 'Signed in' : 'Signed in, offline'}
        </dd>
        {state.status === 'signedIn' && (
          <>
            <dt>Last confirmed</dt>
            <dd data-testid="last-confirmed">
              {formatTime(state.validatedAt)} ({formatPast(state.validatedAt, now)})
            </dd>
            {/* The same words as Diagnostics ("Access token expires"): one fact, one name. */}
            <dt>Access token expires</dt>
            <dd data-testid="token-expiry">
              {state.accessTokenExpiresAt > now
                ? `${formatTime(state.accessTokenExpiresAt)} (${formatRelative(state.accessTokenExpiresAt, now)}); renewed automatically`
                : 'expired; renewed automatically when next needed'}
            </dd>
          </>
        )}
        <dt>Kept in</dt>
        <dd data-testid="storage-kind">
          {state.storage.kind === 'keychain' ? "This computer's keychain" : 'Memory only (until you quit)'}
        </dd>
        <dt>Account ID</dt>
        <dd className="mono">{state.profile.sub}</dd>
      </dl>
    </section>
  );
}
