import type { SessionState } from '../../common/session-state';
import { formatRelative, formatTime } from '../format';
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
            <dt>Confirmed with the provider</dt>
            <dd>
              {formatTime(state.validatedAt)} ({formatRelative(state.validatedAt, now)})
            </dd>
            <dt>Access renewed</dt>
            <dd data-testid="token-expiry">
              {state.accessTokenExpiresAt > now
                ? `by ${formatTime(state.accessTokenExpiresAt)} (${formatRelative(state.accessTokenExpiresAt, now)})`
                : 'when next needed'}
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
