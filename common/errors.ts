/**
 * Stable error codes. Class identity does not survive IPC, codes do: the renderer, the tests and the
 * logs all branch on these strings, so a code is never renamed once shipped.
 */
const ERROR_CODES = [
  /** The person closed the sign-in attempt (Cancel, quit, a second attempt replacing the first). */
  'LOGIN_CANCELLED',
  /**
   * The provider sent the browser back with error=access_denied (RFC 6749 §4.1.2.1): the person
   * cancelled on the provider's page, or a provider rule declined. Shown as "Sign-in cancelled".
   */
  'LOGIN_DECLINED',
  /** Nobody came back from the browser in time. */
  'LOGIN_TIMEOUT',
  /** A callback reached the loopback receiver that does not belong to this attempt (state, path, code). */
  'LOGIN_REJECTED',
  /** The loopback receiver could not listen (port taken, no loopback interface). */
  'LOOPBACK_UNAVAILABLE',
  /** The provider answered with an OAuth/OIDC error (access_denied, invalid_request, a failed check). */
  'PROVIDER_ERROR',
  /** The provider could not be reached, timed out or answered 5xx: the session is kept. */
  'NETWORK',
  /** The access token was refused (401). A refresh may fix it; the session is not over yet. */
  'ACCESS_TOKEN_REJECTED',
  /** The refresh token was refused (invalid_grant): the provider ended the session. */
  'SESSION_EXPIRED',
  /** The operation needs a session and there is none. */
  'NOT_SIGNED_IN',
  /** The OS keychain could not be used; the session lives in memory for this run. */
  'KEYCHAIN_UNAVAILABLE',
  /** Input failed validation (IPC payloads, metadata, configuration values). */
  'INVALID_INPUT',
  /** The caller is not allowed: a foreign IPC sender, or a 403 from the provider (missing scope). */
  'FORBIDDEN',
  /** The user or resource does not exist at the provider. */
  'NOT_FOUND',
  /** The provider throttled us (429) beyond what we wait for. */
  'RATE_LIMITED',
  /** The provider lacks what the feature needs (no users API, no revocation endpoint). */
  'NOT_SUPPORTED',
  /** The provider settings are missing or malformed. */
  'CONFIG_INVALID',
  /**
   * The operation needs a permission the session does not carry, which only a browser step can get
   * (Auth0's Management API token for the person's details): the renderer offers "Continue in
   * browser", which calls authorizeAccountAccess.
   */
  'AUTHORIZATION_REQUIRED',
  /** A bug: anything not mapped to a code above. The message is generic; details go to the log. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable shape of an error: what crosses IPC. Never holds a token, code or verifier. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  // Stryker disable next-line ConditionalExpression: equivalent: includes() finds no value that is not a string in a list of strings
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
