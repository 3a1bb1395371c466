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
