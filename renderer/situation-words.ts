import type { ErrorInfo } from '../common/errors';

/**
 * One message per situation: what happened and what to do next, in plain words. Main's messages are
 * written for the log and Diagnostics (they name the operation, the HTTP status, the API); a person
 * reads these instead, chosen by what they were doing (signing in, saving, loading) and the error's
 * code. Main's own words are kept only where they are the substance: a provider's or a metadata
 * rule's explanation, or a settings problem to fix. Codes and statuses stay in Diagnostics.
 */
export interface SituationWords {
  title: string;
  /** Plain sentences, the last one the next step. */
  sentences: string[];
  tone: 'info' | 'warning' | 'error';
}

/** Where main's message carries what the person needs (the rule broken, the provider's reason). */
function own(error: ErrorInfo): string {
  return error.message;
}

/** main/auth/errors.ts words access_denied as "Sign-in was declined at the provider[: reason]. …". */
function providerReason(message: string): string[] {
  const match = /declined at the provider: (.+)\. You can try again\.$/.exec(message);
  return match?.[1] ? [`Your provider said: “${match[1]}”.`] : [];
}

/** Signing in did not finish: shown on the signed-out screen. Nothing here promises a retry. */
export function signInFailureWords(error: ErrorInfo): SituationWords {
  switch (error.code) {
    case 'LOGIN_CANCELLED':
      return {
        title: 'Sign-in cancelled',
        sentences: ['Nothing was changed. Sign in whenever you are ready.'],
        tone: 'info',
      };
    case 'LOGIN_DECLINED':
      return {
        title: 'Sign-in cancelled',
        // Main's message carries the provider's reason when it gave one (a rule's, say "verify your
        // email first"): worth reading; the bare cancel has none.
        sentences: [
          'Sign-in was cancelled on your provider’s page.',
          ...providerReason(error.message),
          'Nothing was changed. Sign in whenever you are ready.',
        ],
        tone: 'info',
      };
    case 'LOGIN_TIMEOUT':
      return {
        title: 'Sign-in timed out',
        sentences: ['Nobody came back from the browser in time. Sign in again when you are ready.'],
        tone: 'warning',
      };
    case 'NETWORK':
      return {
        title: 'Your provider could not be reached',
        sentences: [
          'Latchkey could not reach your sign-in provider, so you are not signed in.',
          'Check your internet connection, then press Sign in again.',
        ],
        tone: 'error',
      };
    case 'RATE_LIMITED':
      return {
        title: 'Your provider is busy',
        sentences: ['Your sign-in provider asked Latchkey to slow down. Wait a minute, then sign in again.'],
        tone: 'error',
      };
    case 'LOOPBACK_UNAVAILABLE':
    case 'CONFIG_INVALID':
    case 'KEYCHAIN_UNAVAILABLE':
      return { title: 'Sign-in did not start', sentences: [own(error)], tone: 'error' };
    case 'PROVIDER_ERROR':
    case 'LOGIN_REJECTED':
      return {
        title: 'Your provider could not sign you in',
        sentences: [own(error), 'Try signing in again; if it happens again, Diagnostics has the details.'],
        tone: 'error',
      };
    default:
      return {
        title: 'Sign-in did not complete',
        sentences: [
          'Something went wrong in Latchkey. Try again; if it keeps happening, Diagnostics has the details.',
        ],
        tone: 'error',
      };
  }
}

/**
 * A save or a load of the person's details failed. Nothing is retried by itself: the next step is
 * always theirs, and the typed changes are still in the form (a failed save never clears it).
 */
export function detailsFailureWords(error: ErrorInfo, doing: 'save' | 'load'): string {
  const again = doing === 'save' ? 'Your changes are still here; press Save again' : 'Press Try again';
  const failed = doing === 'save' ? 'Not saved' : 'Not loaded';
  switch (error.code) {
    case 'NETWORK':
      return `${failed}: Latchkey could not reach your provider. ${again} when you are back online.`;
    case 'RATE_LIMITED':
      return `${failed}: your provider is busy. ${again} in a minute.`;
    case 'FORBIDDEN':
      return `${failed}: your provider does not let Latchkey ${doing === 'save' ? 'change' : 'read'} your details. Whoever manages your provider can allow it (the README's Auth0 setup says how).`;
    case 'NOT_SUPPORTED':
      return 'Your provider does not keep details for Latchkey, so there is nothing to show or save here.';
    case 'NOT_FOUND':
      return `${failed}: your provider no longer knows this account. Sign out and sign in again.`;
    case 'SESSION_EXPIRED':
    case 'NOT_SIGNED_IN':
    case 'ACCESS_TOKEN_REJECTED':
      return `${failed}: your session has ended. Sign in again${doing === 'save' ? '; your changes are kept for you' : ''}.`;
    // CONFIG_INVALID: a settings problem Latchkey cannot fix by itself (Auth0's "Bad audience" or "Bad
    // issuer"); main's message names the setting to check, and the session is kept.
    case 'INVALID_INPUT':
    case 'CONFIG_INVALID':
      return `${failed}: ${own(error)}`;
    case 'AUTHORIZATION_REQUIRED':
      return `${failed}: your provider needs your permission first. ${doing === 'save' ? 'Your changes are kept, and saved once you continue in your browser.' : 'Continue in your browser to see them.'}`;
    default:
      return `${failed}: your provider did not accept the request. ${again}; if it happens again, Diagnostics has the details.`;
  }
}

/**
 * The browser step that gets the permission the details need (Auth0's Management API token) did not
 * finish. Nothing is retried by itself; "Continue in browser" stays there for another try.
 */
export function accountAccessFailureWords(error: ErrorInfo): string {
  switch (error.code) {
    case 'FORBIDDEN':
      // The browser was signed in as someone else: main's message says what to do about it.
      return own(error);
    case 'LOGIN_CANCELLED':
    case 'LOGIN_DECLINED':
      return 'The permission was not given, so your details stay closed. Choose “Continue in browser” when you are ready.';
    case 'LOGIN_TIMEOUT':
      return 'Nobody came back from the browser in time. Choose “Continue in browser” to try again.';
    case 'NETWORK':
      return 'Latchkey could not reach your provider. Check your internet connection, then choose “Continue in browser” again.';
    case 'SESSION_EXPIRED':
    case 'NOT_SIGNED_IN':
      return 'Your session has ended. Sign in again to see your details.';
    case 'LOOPBACK_UNAVAILABLE':
    case 'CONFIG_INVALID':
      return own(error);
    default:
      return 'Your provider did not give the permission. Try again; if it happens again, Diagnostics has the details.';
  }
}
