import type { ErrorCode, ErrorInfo } from '../common/errors';

/**
 * The one error class of the main process. Every failure that can reach a person carries a stable
 * code and a readable message; the underlying error rides along as `cause` for the log only.
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isLatchkeyError(error: unknown, code?: ErrorCode): error is LatchkeyError {
  return error instanceof LatchkeyError && (code === undefined || error.code === code);
}

/** What a person reads about a bug: nothing of its details, which go to the log only. */
export const INTERNAL_MESSAGE = 'Something went wrong inside Latchkey. The log has the details.';

/** Maps anything thrown to what may cross IPC: coded errors as they are, anything else as INTERNAL. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof LatchkeyError) return error.toInfo();
  return { code: 'INTERNAL', message: INTERNAL_MESSAGE };
}

/** The sign-in attempt was ended by the app: Cancel, a newer attempt replacing it, or quitting. */
export function loginCancelled(): LatchkeyError {
  return new LatchkeyError('LOGIN_CANCELLED', 'Sign-in was cancelled.');
}

/**
 * Text from outside the app (an OAuth error_description, a users-API message, a subject, the OS
 * keychain's error message) is shown to the person:
 * keep it short and on one line, never markup. Every Unicode control and format character (`\p{C}`)
 * goes, not only C0: bidi overrides and isolates (Unicode TR #9) could reorder what is shown, and
 * zero-width characters could hide text.
 */
export function sanitizeProviderText(value: unknown, limit = 200): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = value
    .replace(/[^\P{C}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return undefined;
  return cleaned.length > limit ? `${cleaned.slice(0, limit - 1)}…` : cleaned;
}

type Words = (status: number) => string;

/**
 * One caller's words for each class of HTTP failure (RFC 9110 §15). A class left out means that, for
 * this request, the status says nothing by itself (the caller reads the body instead), unless `other`
 * is given: then `other` words it, as PROVIDER_ERROR.
 */
export interface StatusWording {
  /**
   * 5xx, and 408 (RFC 9110 §15.5.9: the server gave up waiting for the request; it may be repeated):
   * the provider is down, overloaded or slow; the session is kept.
   */
  serverError?: Words;
  /** 3xx where JSON was expected: a captive portal or proxy is in the way, not the provider. */
  redirected?: Words;
  /** 429. */
  rateLimited?: Words;
  /**
   * Set where a 401 means the access token was refused (RFC 6750 §3.1 invalid_token): it expired or
   * was revoked, and the session layer refreshes once and retries (withAccessToken).
   */
  accessTokenRejected?: boolean;
  /** 403. */
  forbidden?: Words;
  /** 404. */
  notFound?: Words;
  /** 400. */
  badRequest?: Words;
  /** Any other status. */
  other?: Words;
}

const ACCESS_TOKEN_REJECTED_MESSAGE = 'The provider refused the access token.';

/** The code each class of HTTP failure maps to, and the caller's words for it, if it has any. */
function classify(status: number, wording: StatusWording): ErrorInfo | undefined {
  const as = (code: ErrorCode, words: Words | undefined) => words && { code, message: words(status) };
  if (status >= 500 || status === 408) return as('NETWORK', wording.serverError);
  if (status >= 300 && status < 400) return as('NETWORK', wording.redirected);
  switch (status) {
    case 429:
      return as('RATE_LIMITED', wording.rateLimited);
    case 401:
      return wording.accessTokenRejected
        ? { code: 'ACCESS_TOKEN_REJECTED', message: ACCESS_TOKEN_REJECTED_MESSAGE }
        : undefined;
    case 403:
      return as('FORBIDDEN', wording.forbidden);
    case 404:
      return as('NOT_FOUND', wording.notFound);
    case 400:
      return as('INVALID_INPUT', wording.badRequest);
    default:
      return undefined;
  }
}

/**
 * The one mapping from an HTTP failure status to an error code, for every provider endpoint Latchkey
 * calls; each caller brings only its own wording. Undefined when the caller has no words for the
 * status's class (and no `other`).
 */
export function httpStatusError(
  status: number,
  wording: StatusWording & { other: Words },
  options?: { cause?: unknown },
): LatchkeyError;
export function httpStatusError(
  status: number,
  wording: StatusWording,
  options?: { cause?: unknown },
): LatchkeyError | undefined;
export function httpStatusError(
  status: number,
  wording: StatusWording,
  options?: { cause?: unknown },
): LatchkeyError | undefined {
  const info: ErrorInfo | undefined =
    classify(status, wording) ??
    (wording.other && { code: 'PROVIDER_ERROR', message: wording.other(status) });
  return info && new LatchkeyError(info.code, info.message, options);
}
