import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../common/errors';
import type { SessionState } from '../common/session-state';
import { useApi } from './api';

export type SessionView =
  { kind: 'loading' } | { kind: 'ready'; state: SessionState } | { kind: 'failed'; error: ErrorInfo };

/**
 * The session as main reports it. Main pushes every change; the renderer asks once at start-up and
 * never polls. A pushed state always wins over the answer to that first question, which may be older.
 */
export function useSessionState(): SessionView {
  const api = useApi();
  const [view, setView] = useState<SessionView>({ kind: 'loading' });
  useEffect(() => {
    let pushed = false;
    let active = true;
    const stop = api.onSessionState((state) => {
      pushed = true;
      setView({ kind: 'ready', state });
    });
    void api.getSessionState().then((result) => {
      if (!active || pushed) return;
      setView(result.ok ? { kind: 'ready', state: result.value } : { kind: 'failed', error: result.error });
    });
    return () => {
      active = false;
      stop();
    };
  }, [api]);
  return view;
}
