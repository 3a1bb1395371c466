import { useEffect, useRef, useState } from 'react';
import type { SessionState } from '../../common/session-state';
import { announcement } from '../announcements';
import { useProviderName } from '../who-where';

/**
 * The one live region for state changes: polite (WAI-ARIA 1.2 role="status", aria-live="polite"),
 * present from the first render so assistive technology registers it before it changes, and holding
 * only the latest sentence (renderer/announcements.ts). Visually hidden: the screens show the same
 * facts.
 */
export function Announcer({ state }: { state: SessionState | null }) {
  const provider = useProviderName();
  const previous = useRef<SessionState | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (!state) return;
    const said = announcement(previous.current, state, provider);
    previous.current = state;
    if (said) setMessage(said);
  }, [state, provider]);
  return (
    <div role="status" className="visually-hidden" data-testid="announcer">
      {message}
    </div>
  );
}
