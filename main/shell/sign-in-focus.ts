import type { SessionState } from '../../common/session-state';

/**
 * The person signed in in their browser; the app should come to the front by itself (DESIGN.md,
 * "the app comes to the front with the profile"). True exactly on the transition from an attempt
 * in progress to signed in, not on restore or on a background refresh.
 */
export function signInJustCompleted(previous: SessionState | undefined, next: SessionState): boolean {
  return previous?.status === 'signingIn' && next.status === 'signedIn';
}
