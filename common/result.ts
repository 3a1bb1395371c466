import type { ErrorInfo } from './errors';

/** What every IPC call resolves to. The call itself never rejects: failures are values with a code. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });
