import { useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import type { SessionStorage, SignedOutReason, SignOutReport } from '../../common/session-state';
import { useApi } from '../api';
import { FocusHeading } from '../components/FocusHeading';
import { Notice } from '../components/Notice';
import { DraftKeptNotice } from '../components/DraftKeptNotice';
import { signOutWords } from '../sign-out-words';
import { signInFailureWords } from '../situation-words';

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

/** One message per situation (renderer/situation-words.ts); the code stays in Diagnostics. */
function SignInFailure({ error, testId }: { error: ErrorInfo; testId?: string }) {
  const words = signInFailureWords(error);
  const cancelled = error.code === 'LOGIN_CANCELLED' || error.code === 'LOGIN_DECLINED';
  return (
    <Notice
      tone={words.tone}
      title={words.title}
      testId={testId ?? (cancelled ? 'reason-cancelled' : 'reason-sign-in-failed')}
    >
      {words.sentences.map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
    </Notice>
  );
}

/** Where the next session will be kept: said once, and only what is true for this run. */
function storageLead(storage: SessionStorage): string {
  return storage.kind === 'keychain'
    ? "Sign in with your account in your own browser. Latchkey keeps your session in this computer's keychain."
    : 'Sign in with your account in your own browser. This time Latchkey can keep your session in memory only (see below).';
}

export function SignedOutScreen({ reason, storage }: { reason?: SignedOutReason; storage: SessionStorage }) {
  const api = useApi();
  const [busy, setBusy] = useState<'same' | 'other' | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const signIn = async (which: 'same' | 'other') => {
    setBusy(which);
    setError(null);
    // Resolves only when the whole browser round trip is over; main pushes the states in between.
    const result = which === 'same' ? await api.signIn() : await api.signInAnotherAccount();
    setBusy(null);
    if (!result.ok && result.error.code !== 'LOGIN_CANCELLED') setError(result.error);
  };

  return (
    <main className="screen screen-narrow" data-screen="signed-out">
      <FocusHeading>Sign in to Latchkey</FocusHeading>
      <p className="lead">{storageLead(storage)}</p>
      {reason && <ReasonNotice reason={reason} />}
      {error && !(reason?.kind === 'signInFailed') && <SignInFailure error={error} testId="sign-in-error" />}
      <DraftKeptNotice />
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void signIn('same')}
          disabled={busy !== null}
        >
          {busy === 'same' ? 'Contacting your provider…' : 'Sign in'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void signIn('other')}
          disabled={busy !== null}
          data-testid="sign-in-other-account"
        >
          Use a different account
        </button>
      </div>
      <p className="muted">
        “Use a different account” asks your provider to show its sign-in or account choice, even when your
        browser is already signed in there.
      </p>
    </main>
  );
}
