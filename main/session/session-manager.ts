import type { Profile, SessionState } from '../../common/session-state';
import type { AuthClient, UserInfoClaims } from '../auth/types';
import { DEFAULT_SIGN_IN_TIMEOUT_MS } from '../auth/client';
import { isLatchkeyError } from '../errors';
import { DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
import { createLaunchRestore } from './launch-restore';
import { createOfflineRetry } from './offline-retry';
import { profileFromClaims, sameProfile } from './profile';
import type { SessionRecord } from './record';
import { revokeGrant } from '../auth/revoke-grant';
import type { SecretStore } from './secret-store';
import {
  asLatchkeyError,
  createSessionContext,
  noteError,
  replaceSession,
  requireSession,
  signedInPhase,
  type SessionLog,
  type SessionTimers,
} from './session-context';
import { sessionDiagnostics } from './session-diagnostics';
import { createSessionPersistence } from './session-persistence';
import { createSignInAttempts } from './sign-in-attempt';
import { createStatePublisher } from './state-publisher';
import { createTokenKeeper } from './token-keeper';
import type { SessionManager } from './types';

export type { SessionLog, SessionTimers } from './session-context';

export interface SessionManagerOptions {
  auth: AuthClient;
  store: SecretStore;
  /** Opens a URL in the system browser (Electron's shell.openExternal in the app). */
  openExternal: (url: string) => Promise<void>;
  /** Epoch ms. Injected so tests can move time. */
  now?: () => number;
  /** Chooses the keychain remedy shown when the session has to live in memory. */
  platform?: NodeJS.Platform;
  /** An access token is treated as expired this long before it does (default 60 s). */
  expiryLeewayMs?: number;
  /** Automatic re-checks while the provider is unreachable. */
  retry?: Partial<BackoffSettings>;
  /** How long a sign-in waits for the browser to come back (default: the auth client's, 10 min). */
  signInTimeoutMs?: number;
  /** A failed keychain write is tried this many more times before falling back to memory (default 2). */
  writeRetries?: number;
  writeRetryDelayMs?: number;
  timers?: SessionTimers;
  log?: SessionLog;
}

const DEFAULT_LEEWAY_MS = 60_000;

const realTimers: SessionTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending re-check must never keep the process (or a test run) alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const silentLog: SessionLog = { info: () => undefined, warn: () => undefined };

/**
 * The session: restore at launch, validation, single-flight refresh, offline retries, sign-in and
 * sign-out, all over an AuthClient and a SecretStore.
 *
 * Rules it keeps (DESIGN.md, "Session rules"):
 * - only a rejected grant ends a session (SESSION_EXPIRED from refresh, or a 401 right after a
 *   successful refresh); network errors, timeouts and 5xx keep it, offline, with retries;
 * - a refreshed token set, with its rotated refresh token, is written to the keychain before any
 *   caller gets the new access token (RFC 9700 §4.14.2: the old refresh token is dead once rotated);
 * - a keychain failure never ends the session: it continues in memory, and storage says why.
 *
 * When the keychain write after a refresh fails (after `writeRetries` more tries), the new tokens
 * are kept in memory for this run and every later save tries the keychain again. If the app quits
 * before one succeeds, the keychain still holds the refresh token that the provider rotated away,
 * so the next launch's refresh is refused (invalid_grant), the record is deleted and the person is
 * signed out with the `revoked` reason: a clear "sign in again", never a crash or a silent loop.
 * (The provider also treats that reuse as a replayed token and revokes the grant; RFC 9700 §4.14.2.)
 *
 * The parts: session-context.ts (the shared session record and epoch), state-publisher.ts (phase,
 * storage, listeners), session-persistence.ts (the keychain), token-keeper.ts (refresh and the
 * access token), offline-retry.ts (backoff while the provider is unreachable), sign-in-attempt.ts,
 * launch-restore.ts and session-diagnostics.ts. What a failure means for the session is decided here.
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { auth, store, openExternal } = options;
  const now = options.now ?? Date.now;
  const platform = options.platform ?? process.platform;
  const timers = options.timers ?? realTimers;

  const context = createSessionContext(now, options.log ?? silentLog);
  const publisher = createStatePublisher(context.log);
  const persistence = createSessionPersistence({
    context,
    auth,
    store,
    publisher,
    timers,
    platform,
    writeRetries: options.writeRetries ?? 2,
    writeRetryDelayMs: options.writeRetryDelayMs ?? 200,
  });
  const tokens = createTokenKeeper({
    context,
    auth,
    persistence,
    publisher,
    leewayMs: options.expiryLeewayMs ?? DEFAULT_LEEWAY_MS,
  });
  const offline = createOfflineRetry({
    timers,
    backoff: { ...DEFAULT_BACKOFF, ...options.retry },
    now,
    setPhase: publisher.setPhase,
    onRetryDue: () => void recheck(),
  });
  const signIns = createSignInAttempts({
    context,
    auth,
    openExternal,
    setPhase: publisher.setPhase,
    timeoutMs: options.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
    startSession,
  });
  const launch = createLaunchRestore({
    context,
    auth,
    persistence,
    publisher,
    platform,
    isSignInPending: signIns.isPending,
    validate,
  });

  // ---- what a failure means -----------------------------------------------------------------

  function goOffline(error: unknown): void {
    const info = noteError(context, error);
    if (!context.session || context.disposed) return;
    offline.goOffline(context.session.profile, info);
  }

  /** The provider refused the grant: delete the record and say why. */
  async function endSession(message: string): Promise<void> {
    replaceSession(context, null);
    offline.reset();
    publisher.setPhase({ status: 'signedOut', reason: { kind: 'revoked', message } });
    await persistence.deleteRecord();
  }

  /** Decides what a failed provider call means for the session. */
  async function handleFailure(error: unknown, startedEpoch: number): Promise<void> {
    if (startedEpoch !== context.epoch || !context.session) return;
    if (isLatchkeyError(error, 'SESSION_EXPIRED')) {
      noteError(context, error);
      await endSession(error.message);
      return;
    }
    if (isLatchkeyError(error, 'NOT_SIGNED_IN')) return;
    goOffline(error);
  }

  // ---- validation -------------------------------------------------------------------------

  /** Takes fresh claims into the session; the cached profile is saved only when it changed. */
  async function acceptClaims(claims: UserInfoClaims): Promise<Profile> {
    const current = requireSession(context);
    const profile = profileFromClaims(claims);
    context.lastValidatedAt = now();
    offline.reset();
    if (!sameProfile(profile, current.profile)) {
      const next = { ...current, profile, savedAt: now() };
      context.session = next;
      await persistence.persist(next);
    }
    if (context.session) publisher.setPhase(signedInPhase(context, context.session));
    return profile;
  }

  let validating: Promise<SessionState> | null = null;

  /** One validation at a time: a re-check during one shares its result. */
  function validate(): Promise<SessionState> {
    validating ??= runValidation().finally(() => {
      validating = null;
    });
    return validating;
  }

  async function runValidation(): Promise<SessionState> {
    const startedEpoch = context.epoch;
    offline.cancel();
    try {
      const claims = await tokens.fetchClaims();
      if (startedEpoch === context.epoch) await acceptClaims(claims);
    } catch (error) {
      await handleFailure(error, startedEpoch);
    }
    return publisher.state;
  }

  function recheck(): Promise<SessionState> {
    if (context.disposed || !context.session) return Promise.resolve(publisher.state);
    return validate();
  }

  // ---- sign-in and sign-out ---------------------------------------------------------------

  /** A finished sign-in becomes the session: saved (or kept in memory), then shown signed in. */
  async function startSession(record: SessionRecord): Promise<Profile> {
    replaceSession(context, record);
    context.lastValidatedAt = now();
    offline.reset();
    await persistence.persist(record);
    if (context.session === record) publisher.setPhase(signedInPhase(context, record));
    return record.profile;
  }

  async function signOut({ everywhere }: { everywhere: boolean }): Promise<void> {
    signIns.cancel();
    const ended = context.session;
    replaceSession(context, null);
    offline.reset();
    publisher.setPhase({ status: 'signedOut', reason: { kind: 'signedOut' } });
    if (!ended) return;

    let endSessionUrl: string | null = null;
    if (everywhere) {
      try {
        endSessionUrl = await auth.endSessionUrl(
          ended.tokens.idToken ? { idTokenHint: ended.tokens.idToken } : {},
        );
      } catch (error) {
        noteError(context, error);
      }
    }
    await persistence.deleteRecord();
    // A failed revocation is reported, and the person is signed out anyway.
    try {
      await revokeGrant(auth, ended.tokens);
    } catch (error) {
      noteError(context, error);
    }
    if (endSessionUrl) {
      try {
        await openExternal(endSessionUrl);
      } catch (error) {
        noteError(context, error);
      }
    }
  }

  // ---- calls that need the access token ---------------------------------------------------

  async function fetchProfile(): Promise<Profile> {
    await launch.afterLaunchRead();
    const startedEpoch = context.epoch;
    requireSession(context);
    try {
      return await acceptClaims(await tokens.fetchClaims());
    } catch (error) {
      await handleFailure(error, startedEpoch);
      throw asLatchkeyError(error);
    }
  }

  async function withAccessToken<T>(
    operation: (accessToken: string, subject: string) => Promise<T>,
  ): Promise<T> {
    await launch.afterLaunchRead();
    const startedEpoch = context.epoch;
    // Only the token side decides about the session (offline, ended); a users API that is down does not.
    return tokens.withFreshToken(operation, (error) => handleFailure(error, startedEpoch));
  }

  function dispose(): void {
    if (context.disposed) return;
    signIns.cancel();
    context.disposed = true;
    offline.cancel();
    publisher.clear();
  }

  return {
    getState: () => publisher.state,
    subscribe: publisher.subscribe,
    restore: launch.restore,
    signIn: signIns.signIn,
    cancelSignIn: signIns.cancel,
    reopenSignInPage: signIns.reopenPage,
    recheck,
    signOut,
    fetchProfile,
    withAccessToken,
    diagnostics: () => sessionDiagnostics(context, auth, store, publisher.storage),
    dispose,
  };
}
