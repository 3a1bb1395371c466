import type { ErrorInfo } from '../common/errors';

/**
 * The headline of the offline notice. The session is kept whatever the error (only a refused grant
 * ends it); the title must not blame the network when the provider did answer.
 */
export function offlineTitle(error: ErrorInfo): string {
  if (error.code === 'NETWORK') return 'Offline: the sign-in provider cannot be reached';
  if (error.code === 'RATE_LIMITED') return 'The sign-in provider asks Latchkey to slow down';
  return 'The sign-in provider did not confirm your session';
}
