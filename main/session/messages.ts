/**
 * Sentences the person reads about their session. Kept together so they stay consistent. A reason
 * that ends the session says what to do next itself: the signed-out screen shows it as it is.
 */
export const MESSAGES = {
  noRefreshToken: 'Your saved session has expired and cannot be renewed. Sign in again to continue.',
  rejectedAfterRefresh:
    'The provider refused a freshly renewed access token, so the session has ended. Sign in again to continue.',
  alreadySignedIn: 'You are already signed in. Sign out first to switch accounts.',
  notSignedIn: 'You are not signed in.',
  disposed: 'Latchkey is shutting down.',
  browserNotOpened:
    'The browser could not be opened. Use "Open the page again" or copy the link into your browser.',
  recordUnreadable: (reason: string, removed: boolean) =>
    `Your saved session could not be used (${reason}), so ` +
    (removed ? 'it was removed from the keychain. ' : 'Latchkey tried to remove it. ') +
    'Sign in again to continue.',
} as const;
