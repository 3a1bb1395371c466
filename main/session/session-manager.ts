import type { Diagnostics } from '../../common/diagnostics';
import type { ErrorInfo } from '../../common/errors';
import type {
  Profile,
  SessionPhase,
  SessionState,
  SessionStorage,
  SignedOutReason,
} from '../../common/session-state';
import type { AuthClient, SignInResult, TokenSet, UserInfoClaims } from '../auth/types';
import { isLatchkeyError, LatchkeyError, toErrorInfo } from '../errors';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
import { memoryStorage } from './keychain-problems';
import { MESSAGES } from './messages';
import { profileFromClaims, sameProfile } from './profile';
import { RECORD_FORMAT_VERSION, type SessionRecord } from './record';
import type { SecretStore } from './secret-store';
import type { SessionManager } from './types';

export interface SessionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the manager reports what happened. Messages carry codes and sentences, never a token. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

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
  /** How long a sign-in waits for the browser to come back (default 5 min). */
  signInTimeoutMs?: number;
  /** A failed keychain write is tried this many more times before falling back to memory (default 2). */
  writeRetries?: number;
  writeRetryDelayMs?: number;
  timers?: SessionTimers;
  log?: SessionLog;
}

const DEFAULT_LEEWAY_MS = 60_000;
const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

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

interface SignInAttempt {
  controller: AbortController;
  url: string | null;
  startedAt: number;
  expiresAt: number;
}

function asLatchkeyError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  return new LatchkeyError('INTERNAL', toErrorInfo(error).message, { cause: error });
}

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
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { auth, store, openExternal } = options;
  const now = options.now ?? Date.now;
  const platform = options.platform ?? process.platform;
  const leewayMs = options.expiryLeewayMs ?? DEFAULT_LEEWAY_MS;
  const backoff: BackoffSettings = { ...DEFAULT_BACKOFF, ...options.retry };
  const signInTimeoutMs = options.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const writeRetries = options.writeRetries ?? 2;
  const writeRetryDelayMs = options.writeRetryDelayMs ?? 200;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? silentLog;

  let session: SessionRecord | null = null;
  let phase: SessionPhase = { status: 'signedOut' };
  let storage: SessionStorage = { kind: 'keychain' };
  let published: SessionState = { ...phase, storage };
  let publishedKey = JSON.stringify(published);
  const listeners = new Set<(state: SessionState) => void>();

  /** Bumped whenever the session is replaced or ended: work started for an older one is dropped. */
  let epoch = 0;
  let refreshing: Promise<SessionRecord> | null = null;
  let validating: Promise<SessionState> | null = null;
  let restoring: Promise<SessionState> | null = null;
  /** The launch's keychain read, while it runs: callers wait for it rather than see "not signed in". */
  let reading: Promise<unknown> | null = null;
  let retryTimer: unknown = null;
  let retryAttempt = 0;
  let offlineSince: number | null = null;
  let attempt: SignInAttempt | null = null;
  let storeQueue: Promise<unknown> = Promise.resolve();
  let lastRefreshAt: number | null = null;
  let lastValidatedAt: number | null = null;
  let lastError: (ErrorInfo & { at: number }) | null = null;
  let disposed = false;

  // ---- state and events -------------------------------------------------------------------

  function publish(): void {
    const next = { ...phase, storage } as SessionState;
    const key = JSON.stringify(next);
    if (key === publishedKey) return;
    published = next;
    publishedKey = key;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        log.warn(`session: a state listener threw (${toErrorInfo(error).code})`);
      }
    }
  }

  function setPhase(next: SessionPhase): void {
    phase = next;
    publish();
  }

  function setStorage(next: SessionStorage): void {
    storage = next;
    publish();
  }

  function noteError(error: unknown): ErrorInfo {
    const info = toErrorInfo(error);
    lastError = { ...info, at: now() };
    log.warn(`session: ${info.code}: ${info.message}`);
    return info;
  }

  function signedInPhase(record: SessionRecord): SessionPhase {
    return {
      status: 'signedIn',
      profile: record.profile,
      validatedAt: lastValidatedAt ?? now(),
      accessTokenExpiresAt: record.tokens.expiresAt,
    };
  }

  // ---- keychain ---------------------------------------------------------------------------

  /** Keychain calls run one at a time, in order: a sign-out's delete never overtakes a save. */
  function serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = storeQueue.then(operation, operation);
    storeQueue = result.catch(() => undefined);
    return result;
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.setTimeout(resolve, ms);
    });

  /**
   * Saves the record; never throws. On failure the session carries on in memory and storage says
   * why; the next save tries the keychain again and, when it works, storage returns to keychain.
   */
  async function persist(unsaved: SessionRecord): Promise<void> {
    const provider = auth.knownMetadata();
    const record = provider ? { ...unsaved, provider } : unsaved;
    // Already known to be failing: one try, so a hung keychain costs one timeout, not several.
    const tries = storage.kind === 'memory' ? 1 : 1 + writeRetries;
    let failure: unknown;
    for (let index = 0; index < tries; index += 1) {
      if (index > 0) await pause(writeRetryDelayMs);
      try {
        await serial(() => store.write(record));
        if (storage.kind !== 'keychain') {
          log.info('session: the keychain works again; the session is saved there');
          setStorage({ kind: 'keychain' });
        }
        return;
      } catch (error) {
        failure = error;
      }
    }
    const info = noteError(failure);
    setStorage(memoryStorage(info, platform));
  }

  async function deleteRecord(): Promise<void> {
    try {
      await serial(() => store.delete());
    } catch (error) {
      // The record stays behind; its refresh token is revoked or rejected, so the next launch
      // finds it refused and deletes it then.
      noteError(error);
    }
  }

  // ---- retries ----------------------------------------------------------------------------

  function cancelRetry(): void {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function goOffline(error: unknown): void {
    const info = noteError(error);
    if (!session || disposed) return;
    cancelRetry();
    retryAttempt += 1;
    const delay = backoffDelay(retryAttempt, backoff);
    offlineSince ??= now();
    setPhase({
      status: 'offline',
      profile: session.profile,
      since: offlineSince,
      nextRetryAt: now() + delay,
      lastError: info,
    });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      void recheck();
    }, delay);
  }

  /** The provider refused the grant: delete the record and say why. */
  async function endSession(message: string): Promise<void> {
    epoch += 1;
    session = null;
    cancelRetry();
    retryAttempt = 0;
    offlineSince = null;
    setPhase({ status: 'signedOut', reason: { kind: 'revoked', message } });
    await deleteRecord();
  }

  /** Decides what a failed provider call means for the session. */
  async function handleFailure(error: unknown, startedEpoch: number): Promise<void> {
    if (startedEpoch !== epoch || !session) return;
    if (isLatchkeyError(error, 'SESSION_EXPIRED')) {
      noteError(error);
      await endSession(error.message || MESSAGES.revoked);
      return;
    }
    if (isLatchkeyError(error, 'NOT_SIGNED_IN')) return;
    goOffline(error);
  }

  // ---- tokens -----------------------------------------------------------------------------

  function requireSession(): SessionRecord {
    if (disposed) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.disposed);
    if (!session) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
    return session;
  }

  function isFresh(tokens: TokenSet): boolean {
    return tokens.expiresAt - leewayMs > now();
  }

  /** One refresh at a time: every caller during a refresh shares its result. */
  function refreshTokens(): Promise<SessionRecord> {
    refreshing ??= runRefresh(epoch).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function runRefresh(startedEpoch: number): Promise<SessionRecord> {
    const current = requireSession();
    const refreshToken = current.tokens.refreshToken;
    if (!refreshToken) throw new LatchkeyError('SESSION_EXPIRED', MESSAGES.noRefreshToken);
    const tokens = await auth.refresh(refreshToken);
    const next: SessionRecord = {
      ...current,
      tokens: {
        ...tokens,
        // RFC 6749 §6: the provider may keep the refresh token (no new one issued) and the ID token.
        refreshToken: tokens.refreshToken ?? refreshToken,
        idToken: tokens.idToken ?? current.tokens.idToken,
      },
      savedAt: now(),
    };
    if (startedEpoch === epoch) {
      // Before anyone uses the new access token: once rotated, only this refresh token works.
      await persist(next);
    }
    if (startedEpoch !== epoch) {
      // Signed out (or replaced) while the refresh was in flight: the new grant must not linger.
      void auth
        .revoke(
          next.tokens.refreshToken ?? next.tokens.accessToken,
          next.tokens.refreshToken ? 'refresh_token' : 'access_token',
        )
        .catch(() => undefined);
      throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
    }
    session = next;
    lastRefreshAt = now();
    if (phase.status === 'signedIn') setPhase(signedInPhase(next));
    log.info('session: access token renewed');
    return next;
  }

  /** The current record, refreshed first when its access token is expired or about to be. */
  async function usableRecord(): Promise<{ record: SessionRecord; refreshed: boolean }> {
    if (refreshing) return { record: await refreshing, refreshed: true };
    const current = requireSession();
    if (isFresh(current.tokens)) return { record: current, refreshed: false };
    return { record: await refreshTokens(), refreshed: true };
  }

  /** Refreshes after `rejected` was refused, unless someone already replaced that token. */
  async function refreshAfterRejection(rejected: SessionRecord): Promise<SessionRecord> {
    if (refreshing) return refreshing;
    const current = requireSession();
    if (current.tokens.accessToken !== rejected.tokens.accessToken) return current;
    return refreshTokens();
  }

  /** Userinfo with the current access token; a 401 gets one refresh and one retry. */
  async function fetchClaims(): Promise<UserInfoClaims> {
    const first = await usableRecord();
    try {
      return await auth.userinfo(first.record.tokens.accessToken, first.record.subject);
    } catch (error) {
      if (!isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) throw error;
      if (first.refreshed)
        throw new LatchkeyError('SESSION_EXPIRED', MESSAGES.rejectedAfterRefresh, { cause: error });
    }
    const second = await refreshAfterRejection(first.record);
    try {
      return await auth.userinfo(second.tokens.accessToken, second.subject);
    } catch (error) {
      // DESIGN.md: a 401 right after a successful refresh ends the session.
      if (isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) {
        throw new LatchkeyError('SESSION_EXPIRED', MESSAGES.rejectedAfterRefresh, { cause: error });
      }
      throw error;
    }
  }

  /** Takes fresh claims into the session; the cached profile is saved only when it changed. */
  async function acceptClaims(claims: UserInfoClaims): Promise<Profile> {
    const current = requireSession();
    const profile = profileFromClaims(claims);
    lastValidatedAt = now();
    retryAttempt = 0;
    offlineSince = null;
    cancelRetry();
    if (!sameProfile(profile, current.profile)) {
      const next = { ...current, profile, savedAt: now() };
      session = next;
      await persist(next);
    }
    if (session) setPhase(signedInPhase(session));
    return profile;
  }

  // ---- validation -------------------------------------------------------------------------

  function validate(): Promise<SessionState> {
    validating ??= runValidation().finally(() => {
      validating = null;
    });
    return validating;
  }

  async function runValidation(): Promise<SessionState> {
    const startedEpoch = epoch;
    cancelRetry();
    try {
      const claims = await fetchClaims();
      if (startedEpoch === epoch) await acceptClaims(claims);
    } catch (error) {
      await handleFailure(error, startedEpoch);
    }
    return published;
  }

  // ---- the SessionManager -----------------------------------------------------------------

  /** Waits for the launch read (if one is running) so that its session counts. */
  async function afterLaunchRead(): Promise<void> {
    if (reading) await reading;
  }

  /** The launch read: takes a saved session in (restoring) or says why there is none. True when found. */
  async function loadSavedSession(): Promise<boolean> {
    let result: Awaited<ReturnType<SecretStore['read']>>;
    try {
      result = await serial(() => store.read());
    } catch (error) {
      // No keychain this run: nothing to restore; a sign-in will live in memory (and is saved if
      // the keychain comes back).
      setStorage(memoryStorage(noteError(error), platform));
      return false;
    }
    if (session || attempt) return false; // a sign-in finished or started meanwhile
    if (result.kind === 'empty') return false;
    if (result.kind === 'discarded') {
      log.warn(`session: saved record discarded: ${result.reason}`);
      setPhase({
        status: 'signedOut',
        reason: {
          kind: 'recordUnreadable',
          message: MESSAGES.recordUnreadable(result.reason, result.removed),
        },
      });
      return false;
    }
    epoch += 1;
    session = result.record;
    // The endpoints saved with the session: validation needs no discovery request first.
    if (result.record.provider) auth.useSavedMetadata(result.record.provider);
    setPhase({ status: 'restoring', profile: result.record.profile });
    return true;
  }

  /**
   * Discovery off the critical path: with no session, so that "Sign in" opens the browser at once;
   * after a restore on saved endpoints, to pick up any change for the next launch. A failure here
   * costs nothing: the next call that needs the provider discovers again.
   */
  function discoverInBackground(): void {
    auth.discover().catch((error: unknown) => {
      log.info(`session: background discovery failed (${toErrorInfo(error).code})`);
    });
  }

  async function runRestore(): Promise<SessionState> {
    const loading = loadSavedSession();
    reading = loading.catch(() => false);
    let found: boolean;
    try {
      found = await loading;
    } finally {
      reading = null;
    }
    if (!found) {
      discoverInBackground();
      return published;
    }
    const validated = await validate();
    // Only once the provider answered: while it is unreachable the retries are what matter.
    if (!disposed && validated.status === 'signedIn') discoverInBackground();
    return validated;
  }

  function restore(): Promise<SessionState> {
    if (disposed || session) return Promise.resolve(published);
    restoring ??= runRestore().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  function recheck(): Promise<SessionState> {
    if (disposed || !session) return Promise.resolve(published);
    return validate();
  }

  function recordFromSignIn(result: SignInResult): SessionRecord {
    return {
      v: RECORD_FORMAT_VERSION,
      issuer: auth.settings.issuer,
      clientId: auth.settings.clientId,
      subject: result.subject,
      tokens: result.tokens,
      profile: profileFromClaims(result.claims),
      savedAt: now(),
    };
  }

  async function signIn(): Promise<Profile> {
    if (disposed) throw new LatchkeyError('LOGIN_CANCELLED', MESSAGES.disposed);
    if (session) throw new LatchkeyError('INVALID_INPUT', MESSAGES.alreadySignedIn);
    // A second click on "Sign in" replaces the pending attempt (the first rejects LOGIN_CANCELLED).
    attempt?.controller.abort();
    const mine: SignInAttempt = {
      controller: new AbortController(),
      url: null,
      startedAt: now(),
      expiresAt: now() + signInTimeoutMs,
    };
    attempt = mine;
    try {
      const result = await auth.signIn({
        openExternal,
        signal: mine.controller.signal,
        timeoutMs: signInTimeoutMs,
        onOpenExternalError: (error) => {
          // The attempt goes on: the page offers "Open the page again" and the link itself.
          log.warn(`session: the browser could not be opened (${toErrorInfo(error).code})`);
          noteError(new LatchkeyError('INTERNAL', MESSAGES.browserNotOpened, { cause: error }));
        },
        onAuthorizationUrl: (url) => {
          if (attempt !== mine) return;
          mine.url = url;
          setPhase({
            status: 'signingIn',
            authorizationUrl: url,
            startedAt: mine.startedAt,
            expiresAt: mine.expiresAt,
          });
        },
      });
      if (attempt !== mine || session) {
        // Cancelled after the provider had already answered: do not keep a grant nobody asked for.
        if (result.tokens.refreshToken)
          void auth.revoke(result.tokens.refreshToken, 'refresh_token').catch(() => undefined);
        throw new LatchkeyError('LOGIN_CANCELLED', 'The sign-in was cancelled.');
      }
      const record = recordFromSignIn(result);
      epoch += 1;
      session = record;
      attempt = null;
      lastValidatedAt = now();
      retryAttempt = 0;
      offlineSince = null;
      await persist(record);
      if (session === record) setPhase(signedInPhase(record));
      return record.profile;
    } catch (error) {
      const failure = asLatchkeyError(error);
      if (attempt === mine) {
        attempt = null;
        if (failure.code === 'LOGIN_CANCELLED') {
          setPhase({ status: 'signedOut' });
        } else {
          const reason: SignedOutReason = { kind: 'signInFailed', error: noteError(failure) };
          setPhase({ status: 'signedOut', reason });
        }
      }
      throw failure;
    }
  }

  function cancelSignIn(): void {
    const pending = attempt;
    if (!pending) return;
    attempt = null;
    pending.controller.abort();
    setPhase({ status: 'signedOut' });
  }

  async function reopenSignInPage(): Promise<void> {
    if (attempt?.url) await openExternal(attempt.url);
  }

  async function signOut({ everywhere }: { everywhere: boolean }): Promise<void> {
    cancelSignIn();
    const ended = session;
    epoch += 1;
    session = null;
    cancelRetry();
    retryAttempt = 0;
    offlineSince = null;
    setPhase({ status: 'signedOut', reason: { kind: 'signedOut' } });
    if (!ended) return;

    let endSessionUrl: string | null = null;
    if (everywhere) {
      try {
        endSessionUrl = await auth.endSessionUrl(
          ended.tokens.idToken ? { idTokenHint: ended.tokens.idToken } : {},
        );
      } catch (error) {
        noteError(error);
      }
    }
    await deleteRecord();
    // RFC 7009 §2.1: revoking the refresh token also invalidates the grant's access tokens where the
    // provider supports it. A failed revocation is reported, and the person is signed out anyway.
    try {
      if (ended.tokens.refreshToken) await auth.revoke(ended.tokens.refreshToken, 'refresh_token');
      else await auth.revoke(ended.tokens.accessToken, 'access_token');
    } catch (error) {
      noteError(error);
    }
    if (endSessionUrl) {
      try {
        await openExternal(endSessionUrl);
      } catch (error) {
        noteError(error);
      }
    }
  }

  async function fetchProfile(): Promise<Profile> {
    await afterLaunchRead();
    const startedEpoch = epoch;
    requireSession();
    try {
      return await acceptClaims(await fetchClaims());
    } catch (error) {
      await handleFailure(error, startedEpoch);
      throw asLatchkeyError(error);
    }
  }

  async function withAccessToken<T>(
    operation: (accessToken: string, subject: string) => Promise<T>,
  ): Promise<T> {
    await afterLaunchRead();
    const startedEpoch = epoch;
    let current: SessionRecord;
    try {
      current = (await usableRecord()).record;
    } catch (error) {
      await handleFailure(error, startedEpoch);
      throw asLatchkeyError(error);
    }
    try {
      return await operation(current.tokens.accessToken, current.subject);
    } catch (error) {
      if (!isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) throw error;
    }
    try {
      current = await refreshAfterRejection(current);
    } catch (error) {
      await handleFailure(error, startedEpoch);
      throw asLatchkeyError(error);
    }
    try {
      return await operation(current.tokens.accessToken, current.subject);
    } catch (error) {
      if (!isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) throw error;
      // DESIGN.md: a 401 right after a successful refresh ends the session, as in fetchClaims.
      const ended = new LatchkeyError('SESSION_EXPIRED', MESSAGES.rejectedAfterRefresh, { cause: error });
      await handleFailure(ended, startedEpoch);
      throw ended;
    }
  }

  function diagnostics(): Diagnostics {
    const stats = store.stats();
    return {
      issuer: auth.settings.issuer,
      clientId: auth.settings.clientId,
      storage:
        storage.kind === 'keychain'
          ? { backend: 'keychain', detail: `System keychain, service "${store.location.service}"` }
          : { backend: 'memory', detail: storage.problem.message },
      record: session && storage.kind === 'keychain' ? stats.record : null,
      accessTokenExpiresAt: session?.tokens.expiresAt ?? null,
      lastRefreshAt,
      lastValidatedAt,
      lastError,
      usersApi: auth.settings.usersApi.kind,
    };
  }

  function dispose(): void {
    if (disposed) return;
    cancelSignIn();
    disposed = true;
    cancelRetry();
    listeners.clear();
  }

  return {
    getState: () => published,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    restore,
    signIn,
    cancelSignIn,
    reopenSignInPage,
    recheck,
    signOut,
    fetchProfile,
    withAccessToken,
    diagnostics,
    dispose,
  };
}
