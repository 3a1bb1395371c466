import { useState, type FormEvent } from 'react';
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

/**
 * The browser could not reach Latchkey after signing in (a firewall on the loopback port shows "can't
 * reach this page" on http://127.0.0.1:…/callback): the address in its address bar is the sign-in
 * response, and pasting it here finishes the sign-in. Main judges it by the loopback receiver's own
 * rule (main/auth/loopback-receiver.ts): the address of this attempt, with its state, or nothing happens.
 */
function PasteCallback() {
  const api = useApi();
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) {
      setRefusal('Paste the whole address from your browser’s address bar first.');
      return;
    }
    setSending(true);
    setRefusal(null);
    const result = await api.submitCallbackUrl({ url: text.trim() });
    setSending(false);
    // Accepted: main finishes the sign-in and pushes the signed-in state.
    if (!result.ok) setRefusal(result.error.message);
  };
  return (
    <details className="hint" data-testid="paste-callback">
      <summary>Signed in, but your browser says it cannot reach the page?</summary>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="callback-address">
            Copy the whole address from your browser’s address bar (it starts with http://127.0.0.1) and paste
            it here
          </label>
          <input
            id="callback-address"
            className="input mono"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={text}
            aria-invalid={refusal ? true : undefined}
            aria-describedby={refusal ? 'callback-address-error' : undefined}
            onChange={(event) => setText(event.target.value)}
          />
          {refusal && (
            <p id="callback-address-error" className="field-error" role="alert">
              {refusal}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={sending}>
            {sending ? 'Checking…' : 'Finish signing in'}
          </button>
        </div>
      </form>
    </details>
  );
}

/** The browser has the provider's page; this window waits, and offers a way back if it got lost. */
export function SigningInScreen({ authorizationUrl, expiresAt, redirect }: SigningInScreenProps) {
  const api = useApi();
  const now = useNow(1000);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [reopened, setReopened] = useState(false);
  const [reopening, setReopening] = useState(false);

  // Main opens at most one tab per burst of clicks (session-manager.ts, reopenSignInPage); the button
  // also rests while the request is on its way.
  const reopen = async () => {
    setError(null);
    setReopening(true);
    const result = await api.reopenSignInPage();
    setReopening(false);
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
        <Notice tone="error" title="That did not work" testId="signing-in-error" live>
          <p>{error.message}</p>
        </Notice>
      )}
      {reopened && !error && (
        <p role="status" className="muted">
          The sign-in page was opened again.
        </p>
      )}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={reopen} disabled={reopening}>
          Open the page again
        </button>
        <button type="button" className="button" onClick={cancel}>
          Cancel
        </button>
        {/* Last: its message or link field takes a whole row below the buttons. Keyed by the link:
            a new attempt starts with nothing copied and no field showing the old link. */}
        <CopyLink key={authorizationUrl} url={authorizationUrl} />
      </div>
      <PasteCallback />
      {redirect.uri && <RedirectHint redirect={redirect} />}
    </main>
  );
}
