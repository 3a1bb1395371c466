import { lazy, Suspense, useCallback, useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import type { SessionState } from '../../common/session-state';
import { useApi } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel';
import { FocusHeading } from '../components/FocusHeading';
import { Notice } from '../components/Notice';
import { OfflineNotice } from '../components/OfflineNotice';
import { ProfileCard } from '../components/ProfileCard';
import { SessionDetails } from '../components/SessionDetails';
import { StorageNotice } from '../components/StorageNotice';
import { DetailsLoading } from '../components/DetailsLoading';
import { grantWords } from '../grant-words';
import { personName, signedInTo, useProviderName } from '../who-where';

/**
 * The editor (with its country list) is a separate chunk, fetched from the app's own files when the
 * account screen first shows: the signed-out and restoring screens start without it.
 */
const MetadataEditor = lazy(() =>
  import('../components/MetadataEditor').then((module) => ({ default: module.MetadataEditor })),
);

type ActiveState = Extract<SessionState, { status: 'signedIn' | 'offline' }>;

/** Signed in (online or not): the profile, the session, the metadata editor and the way out. */
export function AccountScreen({ state }: { state: ActiveState }) {
  const api = useApi();
  const [dirty, setDirty] = useState(false);
  const [pendingSignOut, setPendingSignOut] = useState<{ everywhere: boolean } | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const signOut = async (everywhere: boolean) => {
    setPendingSignOut(null);
    setSigningOut(true);
    setError(null);
    const result = await api.signOut({ everywhere });
    // On success main pushes signedOut and this screen goes away.
    if (!result.ok) {
      setSigningOut(false);
      setError(result.error);
    }
  };
  // "Everywhere" always asks first, as VS Code does before signing out of an account: it reaches past
  // this app. A plain sign-out asks only when there are unsaved changes (they are kept, and said so).
  const requestSignOut = (everywhere: boolean) => {
    if (dirty || everywhere) setPendingSignOut({ everywhere });
    else void signOut(everywhere);
  };
  const onDirtyChange = useCallback((value: boolean) => setDirty(value), []);
  const provider = useProviderName();
  const offline = state.status === 'offline';

  return (
    <main className="screen" data-screen={state.status === 'signedIn' ? 'signed-in' : 'offline'}>
      <header className="topbar">
        {/* Who, where: the screen's own heading, read first when the screen appears. */}
        <FocusHeading>
          <span dir="auto" data-testid="who-where">
            {signedInTo(provider, state.profile)}
          </span>
        </FocusHeading>
        <span
          className={`pill ${state.status === 'signedIn' ? 'pill-ok' : 'pill-warn'}`}
          data-testid="status-pill"
        >
          {state.status === 'signedIn' ? 'Signed in' : 'Offline'}
        </span>
      </header>
      {state.status === 'offline' && (
        <OfflineNotice since={state.since} nextRetryAt={state.nextRetryAt} lastError={state.lastError} />
      )}
      {state.grant && (
        <Notice
          tone="warning"
          title="Your provider granted less than Latchkey asked for"
          testId="grant-notice"
        >
          {grantWords(state.grant).map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
        </Notice>
      )}
      <StorageNotice storage={state.storage} />
      {error && (
        <Notice tone="error" title="Sign-out did not complete" testId="sign-out-error" live>
          <p>{error.message}</p>
        </Notice>
      )}
      <div className="account-grid">
        <div className="area-profile">
          <ProfileCard profile={state.profile}>
            <div className="actions">
              <button
                type="button"
                className="button"
                onClick={() => requestSignOut(false)}
                disabled={signingOut}
              >
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => requestSignOut(true)}
                disabled={signingOut}
              >
                Sign out everywhere
              </button>
            </div>
            <p className="muted" data-testid="sign-out-explained">
              Sign out removes your session from this computer. Sign out everywhere also ends your session at{' '}
              {provider} in your browser.
            </p>
          </ProfileCard>
        </div>
        <div className="area-details">
          <Suspense fallback={<DetailsLoading />}>
            <MetadataEditor subject={state.profile.sub} online={!offline} onDirtyChange={onDirtyChange} />
          </Suspense>
        </div>
        <div className="area-session">
          <SessionDetails state={state} />
        </div>
        <div className="area-diagnostics">
          <DiagnosticsPanel />
        </div>
      </div>
      <ConfirmDialog
        open={pendingSignOut !== null}
        title={pendingSignOut?.everywhere ? 'Sign out everywhere?' : 'Sign out with unsaved changes?'}
        message={
          <>
            {pendingSignOut?.everywhere && (
              <p>
                Signing out everywhere removes your session from this computer and also ends your session at{' '}
                {provider} in your browser, so websites and apps that use that browser sign-in ask{' '}
                <span dir="auto">{personName(state.profile)}</span> to sign in again.
              </p>
            )}
            {pendingSignOut?.everywhere && offline && (
              <p data-testid="sign-out-offline-note">
                Latchkey cannot reach {provider} right now: it can sign you out on this computer only, and
                tells you afterwards how to finish at {provider}.
              </p>
            )}
            {dirty && (
              <p>
                Your unsaved changes are kept in this window until you close Latchkey, and offered back when
                you sign in again with this account.
              </p>
            )}
          </>
        }
        cancelLabel={dirty ? 'Keep editing' : 'Cancel'}
        confirmLabel={pendingSignOut?.everywhere ? 'Sign out everywhere' : 'Sign out'}
        onConfirm={() => pendingSignOut && void signOut(pendingSignOut.everywhere)}
        onCancel={() => setPendingSignOut(null)}
      />
    </main>
  );
}
