import { useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import { useApi } from '../api';
import { CopyLink } from '../components/CopyLink';
import { FocusHeading } from '../components/FocusHeading';
import { Notice } from '../components/Notice';
import { formatRelative, formatTime } from '../format';
import { useNow } from '../use-now';

interface SigningInScreenProps {
  authorizationUrl: string;
  expiresAt: number;
  redirect: { uri: string; fixedPort: boolean };
}

/**
 * What to check when the browser shows a redirect error instead of the sign-in page: a provider that
 * compares redirect URIs exactly refuses any address it does not know, and nothing comes back to
 * Latchkey, which would otherwise wait until the timeout.
 */
function RedirectHint({ redirect }: { redirect: { uri: string; fixedPort: boolean } }) {
  let port = '';
  try {
    port = new URL(redirect.uri).port;
  } catch {
    return null;
  }
  return (
    <section className="hint" aria-labelledby="redirect-hint-title" data-testid="redirect-hint">
      <h2 id="redirect-hint-title">Does your browser show an error about the redirect address?</h2>
      {redirect.fixedPort ? (
        <p>
          Your provider does not accept the address Latchkey is waiting on. Register{' '}
          <code>{redirect.uri}</code> for Latchkey at your provider, exactly as written, then try again.
        </p>
      ) : (
        <p>
          Your provider may need a fixed port: register <code>{redirect.uri}</code> at your provider and set{' '}
          <code>&quot;redirectPorts&quot;: [{port}]</code> in Latchkey&apos;s settings, then try again.
        </p>
      )}
      <p className="muted">The README&apos;s &quot;Compatibility&quot; section explains this.</p>
    </section>
  );
}

/** The browser has the provider's page; this window waits, and offers a way back if it got lost. */
export function SigningInScreen({ authorizationUrl, expiresAt, redirect }: SigningInScreenProps) {
  const api = useApi();
  const now = useNow(1000);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [reopened, setReopened] = useState(false);

  const reopen = async () => {
    setError(null);
    const result = await api.reopenSignInPage();
    if (result.ok) setReopened(true);
    else setError(result.error);
  };
  const cancel = async () => {
    const result = await api.cancelSignIn();
    if (!result.ok) setError(result.error);
  };

  return (
    <main className="screen screen-narrow" data-screen="signing-in">
      <FocusHeading>Continue in your browser</FocusHeading>
      <p className="lead">
        <span className="spinner" aria-hidden="true" /> Latchkey opened your browser at the sign-in page. Sign
        in there, then come back to this window.
      </p>
      <p className="muted">
        Waiting until {formatTime(expiresAt)} ({formatRelative(expiresAt, now)}).
      </p>
      {error && (
        <Notice tone="error" title="That did not work" testId="signing-in-error">
          <p>{error.message}</p>
        </Notice>
      )}
      {reopened && !error && (
        <p role="status" className="muted">
          The sign-in page was opened again.
        </p>
      )}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={reopen}>
          Open the page again
        </button>
        <button type="button" className="button" onClick={cancel}>
          Cancel
        </button>
        {/* Last: its message or link field takes a whole row below the buttons. Keyed by the link:
            a new attempt starts with nothing copied and no field showing the old link. */}
        <CopyLink key={authorizationUrl} url={authorizationUrl} />
      </div>
      {redirect.uri && <RedirectHint redirect={redirect} />}
    </main>
  );
}
