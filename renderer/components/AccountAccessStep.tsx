import { useState } from 'react';
import type { ErrorInfo } from '../../common/errors';
import { useApi } from '../api';
import { accountAccessFailureWords } from '../situation-words';
import { Notice } from './Notice';

interface AccountAccessStepProps {
  /** Main's AUTHORIZATION_REQUIRED message: why the browser will open, and what the person may see there. */
  message: string;
  /** Called once the permission is held (load the details, or save them again). */
  onAuthorized: () => void;
}

/**
 * The browser step the details need where the session alone does not carry the permission (Auth0's
 * Management API token). It says that the browser will open before anything opens it, and opens it
 * only when the person presses "Continue in browser".
 */
export function AccountAccessStep({ message, onAuthorized }: AccountAccessStepProps) {
  const api = useApi();
  const [step, setStep] = useState<
    { kind: 'idle' } | { kind: 'waiting' } | { kind: 'failed'; error: ErrorInfo }
  >({
    kind: 'idle',
  });

  const start = async () => {
    setStep({ kind: 'waiting' });
    const result = await api.authorizeAccountAccess();
    if (result.ok) {
      setStep({ kind: 'idle' });
      onAuthorized();
    } else {
      setStep({ kind: 'failed', error: result.error });
    }
  };

  return (
    <Notice tone="info" title="Your browser will open" testId="account-access-step">
      <p>{message}</p>
      {step.kind === 'waiting' && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> Waiting for your browser… Finish there, then come
          back.
        </p>
      )}
      {step.kind === 'failed' && (
        <p role="alert" className="field-error" data-testid="account-access-error">
          {accountAccessFailureWords(step.error)}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => void start()}>
          {step.kind === 'waiting' ? 'Open the browser again' : 'Continue in browser'}
        </button>
      </div>
    </Notice>
  );
}
