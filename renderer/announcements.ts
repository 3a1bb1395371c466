import type { SessionState } from '../common/session-state';
import { offlineTitle } from './offline-title';
import { signInFailureWords } from './situation-words';
import { signedInTo } from './who-where';

/**
 * What a screen reader is told when the session changes state: one polite sentence per change, never
 * a clock (a countdown inside a live region is read at every tick). The first state of a run is not
 * announced: the screen's focused heading says it. Returns null when nothing changed that a person
 * needs to hear (a renewal that keeps them signed in, say).
 */
export function announcement(
  previous: SessionState | null,
  next: SessionState,
  provider: string,
): string | null {
  if (!previous) return null;
  const before = previous.status;
  switch (next.status) {
    case 'signedIn':
      if (before === 'offline') return 'Back online. Your session is confirmed.';
      if (before === 'signedIn') return null;
      return `${signedInTo(provider, next.profile)}.`;
    case 'offline':
      if (before === 'offline') return null;
      return `${offlineTitle(next.lastError)}. You are still signed in.`;
    case 'signingIn':
      if (before === 'signingIn') return null;
      return 'Continue in your browser: the sign-in page is open there.';
    case 'restoring':
      return null;
    case 'signedOut': {
      const reason = next.reason;
      if (before === 'signedOut') {
        // The sign-out report arriving after "signed out": say what it found, once.
        const earlier = previous.status === 'signedOut' ? previous.reason : undefined;
        return reason?.kind === 'signedOut' &&
          reason.report &&
          earlier?.kind === 'signedOut' &&
          !earlier.report
          ? 'Sign-out finished.'
          : null;
      }
      if (!reason) return 'Signed out.';
      switch (reason.kind) {
        case 'signedOut':
          return 'Signed out.';
        case 'revoked':
          return 'Your session has ended. Sign in again to continue.';
        case 'recordUnreadable':
          return 'Your saved session could not be read. Sign in again to continue.';
        case 'signInFailed':
          return `${signInFailureWords(reason.error).title}.`;
      }
    }
  }
}
