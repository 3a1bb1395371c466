import type { ErrorInfo } from '../../common/errors';
import type { SessionPhase } from '../../common/session-state';
import { LatchkeyError, toErrorInfo } from '../errors';
import { MESSAGES } from './messages';
import type { SessionRecord } from './record';

export interface SessionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the manager reports what happened. Messages carry codes and sentences, never a token. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * What the parts of the session manager share. One plain object, owned by createSessionManager, so
 * every change to the session is a visible `context.x = ...` at its call site.
 */
export interface SessionContext {
  session: SessionRecord | null;
  /** Bumped whenever the session is replaced or ended: work started for an older one is dropped. */
  epoch: number;
  disposed: boolean;
  lastRefreshAt: number | null;
  lastValidatedAt: number | null;
  lastError: (ErrorInfo & { at: number }) | null;
  readonly now: () => number;
  readonly log: SessionLog;
}

export function createSessionContext(now: () => number, log: SessionLog): SessionContext {
  return {
    session: null,
    epoch: 0,
    disposed: false,
    lastRefreshAt: null,
    lastValidatedAt: null,
    lastError: null,
    now,
    log,
  };
}

/** Starts a new session (or ends the current one with `null`); work begun for the old one is dropped. */
export function replaceSession(context: SessionContext, next: SessionRecord | null): void {
  context.epoch += 1;
  context.session = next;
}

export function requireSession(context: SessionContext): SessionRecord {
  if (context.disposed) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.disposed);
  if (!context.session) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
  return context.session;
}

/** Remembers the error for diagnostics and logs its code and sentence. */
export function noteError(context: SessionContext, error: unknown): ErrorInfo {
  const info = toErrorInfo(error);
  context.lastError = { ...info, at: context.now() };
  context.log.warn(`session: ${info.code}: ${info.message}`);
  return info;
}

export function signedInPhase(context: SessionContext, record: SessionRecord): SessionPhase {
  return {
    status: 'signedIn',
    profile: record.profile,
    validatedAt: context.lastValidatedAt ?? context.now(),
    accessTokenExpiresAt: record.tokens.expiresAt,
  };
}

export function asLatchkeyError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  return new LatchkeyError('INTERNAL', toErrorInfo(error).message, { cause: error });
}
