import { useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import type { SignedOutReason, SignOutReport } from '../../common/session-state';
import { useApi } from '../api';
import { FocusHeading } from '../components/FocusHeading';
import { Notice } from '../components/Notice';
import { signOutWords } from '../sign-out-words';

/** The person's own sign-out: what was done, once main has finished it (renderer/sign-out-words.ts). */
function SignedOutNotice({ report }: { report?: SignOutReport }) {
  const api = useApi();
  const [opening, setOpening] = useState(false);
  if (!report) {
    return (
      <Notice tone="success" title="You're signed out" testId="reason-signed-out">
        <p>Finishing the sign-out…</p>
      </Notice>
    );
  }
  const words = signOutWords(report);
  const signOutAtProvider = async () => {
    setOpening(true);
    // The new report arrives with the pushed state.
    await api.signOut({ everywhere: true });
    setOpening(false);
  };
  return (
    <Notice tone={words.tone} title="You're signed out" testId="reason-signed-out">
      {words.sentences.map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
      {words.offerProviderSignOut && (
        <div className="actions">
          <button type="button" className="button" onClick={signOutAtProvider} disabled={opening}>
            Sign out at your provider
          </button>
        </div>
      )}
    </Notice>
  );
}

/** Main's messages for `revoked` and `recordUnreadable` already end by asking to sign in again. */
function ReasonNotice({ reason }: { reason: SignedOutReason }) {
  switch (reason.kind) {
    case 'signedOut':
      return <SignedOutNotice report={reason.report} />;
    case 'revoked':
      return (
        <Notice tone="warning" title="Your session has ended" testId="reason-revoked">
          <p>{reason.message}</p>
        </Notice>
      );
    case 'recordUnreadable':
      return (
        <Notice tone="warning" title="Your saved session could not be read" testId="reason-unreadable">
          <p>{reason.message}</p>
        </Notice>
      );
    case 'signInFailed':
      return <SignInFailure error={reason.error} />;
  }
}

function SignInFailure({ error }: { error: ErrorInfo }) {
  if (error.code === 'LOGIN_CANCELLED') {
    return (
      <Notice tone="info" title="Sign-in cancelled" testId="reason-cancelled">
        <p>Nothing was changed. Sign in whenever you are ready.</p>
      </Notice>
    );
  }
  const title = error.code === 'LOGIN_TIMEOUT' ? 'Sign-in timed out' : 'Sign-in did not complete';
  return (
    <Notice tone="error" title={title} testId="reason-sign-in-failed">
      <p>{error.message}</p>
      <p className="muted">Error code: {error.code}</p>
    </Notice>
  );
}

export function SignedOutScreen({ reason }: { reason?: SignedOutReason }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const signIn = async () => {
    setBusy(true);
    setError(null);
    // Resolves only when the whole browser round trip is over; main pushes the states in between.
    const result = await api.signIn();
    setBusy(false);
    if (!result.ok && result.error.code !== 'LOGIN_CANCELLED') setError(result.error);
  };

  return (
    <main className="screen screen-narrow" data-screen="signed-out">
      <FocusHeading>Latchkey</FocusHeading>
      <p className="lead">
        Sign in with your account in your own browser. Your session stays in this computer's keychain.
      </p>
      {reason && <ReasonNotice reason={reason} />}
      {error && !(reason?.kind === 'signInFailed') && (
        <Notice tone="error" title="Sign-in did not start" testId="sign-in-error">
          <p>{error.message}</p>
          <p className="muted">Error code: {error.code}</p>
        </Notice>
      )}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={signIn} disabled={busy}>
          {busy ? 'Opening your browser…' : 'Sign in'}
        </button>
      </div>
    </main>
  );
}
