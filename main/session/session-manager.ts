import type { Diagnostics } from '../../common/diagnostics';
import type { ErrorInfo } from '../../common/errors';
import type {
  GrantShortfall,
  Profile,
  SessionPhase,
  SessionState,
  SessionStorage,
  SignedOutReason,
  SignOutReport,
  RevocationReport,
} from '../../common/session-state';
import { DEFAULT_SIGN_IN_TIMEOUT_MS } from '../auth/client';
import { revocationSupport } from '../auth/provider-metadata';
import type { AuthClient, RevocationOutcome, UserInfoClaims } from '../auth/types';
import { isLatchkeyError, LatchkeyError, loginCancelled, toErrorInfo } from '../errors';
import type { KeychainStore } from '../keychain/keychain-store';
import { memoryStorage } from '../keychain/keychain-problems';
import type { Logger } from '../log';
import { createSavedSession, type SavedRead } from './saved-session';
import {
  grantedScopes,
  grantShortfall,
  profileFromClaims,
  recordFromSignIn,
  renewedRecord,
  sameProfile,
  type AccountAccessToken,
  type SessionRecord,
} from './session-record';

/**
 * The session: the one state machine of the app. Restore at launch, validation, single-flight
 * refresh, offline retries, sign-in and sign-out, all over an AuthClient (the provider) and a
 * KeychainStore (one text value in the OS keychain). Tokens never leave this file except into
 * `withAccessToken` callbacks; what the renderer sees is the SessionState it publishes.
 *
 * Its rules (docs/ARCHITECTURE.md, "Life of a session"):
 * - only a refused grant ends a session: SESSION_EXPIRED from a refresh, no refresh token to renew
 *   with, or a 401 on an access token renewed for that very call. Network errors, timeouts and 5xx
 *   keep it, offline, re-checked with backoff. `failureOutcome` below is where that is decided;
 * - a refreshed token set, with its rotated refresh token, is written to the keychain before any
 *   caller gets the new access token (RFC 9700 §4.14.2: the old refresh token is dead once rotated);
 * - a keychain failure never ends the session: it continues in memory, and `storage` says why.
 *
 * When the keychain write after a refresh fails (after `writeRetries` more tries), the new tokens
 * are kept in memory for this run and every later save tries the keychain again. If the app quits
 * before one succeeds, the keychain still holds the refresh token that the provider rotated away,
 * so the next launch's refresh is refused (invalid_grant), the record is deleted and the person is
 * signed out with the `revoked` reason: a clear "sign in again", never a crash or a silent loop.
 */
export interface SessionManager {
  getState(): SessionState;
  /** Called on every state change, in order. Returns the function that unsubscribes. */
  subscribe(listener: (state: SessionState) => void): () => void;
  /** At launch: one keychain read, the cached profile at once (`restoring`), then validation. */
  restore(): Promise<SessionState>;
  /**
   * Runs the whole browser sign-in; resolves with the profile once the session is stored.
   * `chooseAccount` asks the provider to show its account picker or login page ("Use a different account").
   */
  signIn(options?: { chooseAccount?: boolean }): Promise<Profile>;
  /**
   * The callback address the person pasted because the browser could not reach the app: handed to
   * the pending attempt's loopback receiver and judged by its one rule. Refused (LOGIN_REJECTED),
   * nothing changes and the attempt keeps waiting; with no attempt pending, LOGIN_REJECTED too.
   */
  submitCallbackUrl(pasted: string): void;
  /** Cancels a pending sign-in (no-op otherwise). */
  cancelSignIn(): void;
  /** Opens the pending attempt's authorization URL in the browser again. */
  reopenSignInPage(): Promise<void>;
  /** Validates now (resume, network back, "retry now"). Never drops the session on a network error. */
  recheck(): Promise<SessionState>;
  /**
   * Deletes the record, revokes the refresh token; `everywhere` also ends the provider's browser
   * session. Says what was done (SignOutReport), and publishes it with the signed-out state. Already
   * signed out, `everywhere` opens the provider's sign-out page only (without an ID token hint).
   */
  signOut(options: { everywhere: boolean }): Promise<SignOutReport>;
  /** A fresh profile from userinfo (one refresh-and-retry on 401); updates the cached profile. */
  fetchProfile(): Promise<Profile>;
  /**
   * Runs `operation` with a valid access token (refreshing first when it is expired or about to be).
   * When `operation` throws ACCESS_TOKEN_REJECTED, refreshes once and retries once.
   */
  withAccessToken<T>(operation: TokenOperation<T>): Promise<T>;
  /** The session's extra users-API token (session-record.ts `accountAccess`), if it holds one. */
  accountAccess(): AccountAccessToken | undefined;
  /**
   * Keeps (or, with null, drops) the extra users-API token with the session of `subject`, saved with
   * its record. False when that session is no longer the current one (the token is then not kept).
   */
  keepAccountAccess(token: AccountAccessToken | null, subject: string): Promise<boolean>;
  diagnostics(): Diagnostics;
  /** Stops timers and listeners; cancels a pending sign-in. */
  dispose(): void;
}

export type TokenOperation<T> = (accessToken: string, subject: string) => Promise<T>;

export interface SessionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How long to wait before each automatic re-check while the provider is unreachable. */
export interface BackoffSettings {
  /** First delay. */
  baseMs: number;
  /** Delays double per attempt up to this. */
  maxMs: number;
  /**
   * Spread the delay over [delay/2, delay] so many desktops that lost the same provider do not
   * come back in lockstep ("equal jitter"). Off gives exact delays (tests, diagnostics).
   */
  jitter: boolean;
  random: () => number;
}

export interface SessionManagerOptions {
  auth: AuthClient;
  store: KeychainStore;
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
  /** How long a sign-in waits for the browser to come back (default: the auth client's, 5 min). */
  signInTimeoutMs?: number;
  /** A failed keychain write is tried this many more times before falling back to memory (default 2). */
  writeRetries?: number;
  writeRetryDelayMs?: number;
  timers?: SessionTimers;
  log?: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_BACKOFF: BackoffSettings = {
  baseMs: 2_000,
  maxMs: 5 * 60_000,
  jitter: true,
  random: Math.random,
};

/** Delay before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, settings: BackoffSettings): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const delay = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  if (!settings.jitter) return delay;
  return Math.round(delay / 2 + (delay / 2) * settings.random());
}

/**
 * Sentences the person reads about their session. A reason that ends the session says what to do
 * next itself: the signed-out screen shows it as it is.
 */
const MESSAGES = {
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

/**
 * What a failed provider call means for the session: the one decision, in one place. The codes come
 * from main/auth/errors.ts, where what each answer of the token endpoint means is written once
 * (`refreshRefusal`, RFC 6749 §5.2).
 * - `end`: the provider refused the grant (SESSION_EXPIRED): delete the record, say why.
 * - `none`: the session was already gone (signed out or replaced while the call ran).
 * - `offline`: the provider could not be reached or asked to wait (NETWORK: network, timeout, 3xx,
 *   408, 5xx; RATE_LIMITED: 429). Transient by nature: keep the session, retry with backoff for as
 *   long as it lasts.
 * - `refused`: the provider answered, but not in a way that confirms the session and not with a
 *   refused grant (invalid_client, a 4xx with no known meaning, a failed check of its answer). Keep
 *   the session (only a refused grant ends one) and retry with backoff; but the same request is
 *   likely to get the same answer forever, so after REFUSALS_BEFORE_PAUSE of them in a row the
 *   automatic re-checks stop (`nextRetryAt: null`) and the person is told what to do. Waking, the
 *   network coming back and "Retry now" still check.
 */
function failureOutcome(error: unknown): 'end' | 'none' | 'offline' | 'refused' {
  if (isLatchkeyError(error, 'SESSION_EXPIRED')) return 'end';
  if (isLatchkeyError(error, 'NOT_SIGNED_IN')) return 'none';
  if (isLatchkeyError(error, 'NETWORK') || isLatchkeyError(error, 'RATE_LIMITED')) return 'offline';
  return 'refused';
}

/** Consecutive `refused` answers after which the automatic re-checks stop (see failureOutcome). */
export const REFUSALS_BEFORE_PAUSE = 3;

/** The redirect_uri an authorization URL carries ('' if it has none). */
function redirectUriOf(authorizationUrl: string): string {
  try {
    return new URL(authorizationUrl).searchParams.get('redirect_uri') ?? '';
  } catch {
    return '';
  }
}

const DEFAULT_LEEWAY_MS = 60_000;
/** "Open the page again" opens at most one tab per this interval (a double click, a held key). */
const REOPEN_INTERVAL_MS = 2_000;

const realTimers: SessionTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending re-check must never keep the process (or a test run) alive.
    // Stryker disable next-line OptionalChaining: equivalent in Node, whose Timeout always has unref (https://nodejs.org/api/timers.html#timeoutunref)
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const silentLog: Pick<Logger, 'info' | 'warn'> = { info: () => undefined, warn: () => undefined };

function asLatchkeyError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  return new LatchkeyError('INTERNAL', toErrorInfo(error).message, { cause: error });
}

interface SignInAttempt {
  controller: AbortController;
  url: string | null;
  /** The receiver's way in for a pasted callback address, once it listens. */
  submitPasted: ((pasted: string) => void) | null;
  /** When "Open the page again" last opened it: repeated clicks in a burst open one tab. */
  lastOpenedAt: number;
  startedAt: number;
  expiresAt: number;
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { auth, store, openExternal } = options;
  const now = options.now ?? Date.now;
  const platform = options.platform ?? process.platform;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? silentLog;
  const leewayMs = options.expiryLeewayMs ?? DEFAULT_LEEWAY_MS;
  const backoff: BackoffSettings = { ...DEFAULT_BACKOFF, ...options.retry };
  const signInTimeoutMs = options.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const writeRetries = options.writeRetries ?? 2;

  // ---- the session, and what the renderer sees of it -----------------------------------------

  let session: SessionRecord | null = null;
  /** Bumped whenever the session is replaced or ended: work started for an older one is dropped. */
  let epoch = 0;
  let disposed = false;
  let lastRefreshAt: number | null = null;
  let lastValidatedAt: number | null = null;
  let lastError: (ErrorInfo & { at: number }) | null = null;

  let phase: SessionPhase = { status: 'signedOut' };
  let storage: SessionStorage = { kind: 'keychain' };
  let published: SessionState = { ...phase, storage };
  let publishedKey = JSON.stringify(published);
  const listeners = new Set<(state: SessionState) => void>();

  /** Listeners hear of a change once: a state equal to the last one published is not sent again. */
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

  /** What the provider granted less than asked for this session, if anything (shown with it). */
  function shortfallOf(record: SessionRecord): { grant?: GrantShortfall } {
    const grant = grantShortfall(record.tokens, auth.settings.scopes);
    return grant ? { grant } : {};
  }

  function signedInPhase(record: SessionRecord): SessionPhase {
    return {
      status: 'signedIn',
      profile: record.profile,
      validatedAt: lastValidatedAt ?? now(),
      accessTokenExpiresAt: record.tokens.expiresAt,
      ...shortfallOf(record),
    };
  }

  /** Starts a new session (or ends the current one with `null`); work begun for the old one is dropped. */
  function replaceSession(next: SessionRecord | null): void {
    epoch += 1;
    session = next;
  }

  function requireSession(): SessionRecord {
    if (disposed) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.disposed);
    if (!session) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
    return session;
  }

  /** Remembers the error for diagnostics and logs its code and sentence. */
  function noteError(error: unknown): ErrorInfo {
    const info = toErrorInfo(error);
    lastError = { ...info, at: now() };
    log.warn(`session: ${info.code}: ${info.message}`);
    return info;
  }

  // ---- the keychain: the record saved, or the session in memory and why -----------------------

  const saved = createSavedSession({
    store,
    settings: auth.settings,
    pause: (ms) =>
      new Promise<void>((resolve) => {
        timers.setTimeout(resolve, ms);
      }),
    retryDelayMs: options.writeRetryDelayMs ?? 200,
  });

  /**
   * Saves the record, with the provider's endpoints as last discovered (so the next launch validates
   * without a discovery request first). Never throws: on failure the session carries on in memory
   * and `storage` says why; the next save tries the keychain again.
   */
  async function save(unsaved: SessionRecord): Promise<void> {
    const provider = auth.knownMetadata();
    // Already known to be failing: one try, so a hung keychain costs one timeout, not several.
    const tries = storage.kind === 'memory' ? 1 : 1 + writeRetries;
    try {
      await saved.write(provider ? { ...unsaved, provider } : unsaved, tries);
    } catch (failure) {
      setStorage(memoryStorage(noteError(failure), platform));
      return;
    }
    if (storage.kind !== 'keychain') {
      log.info('session: the keychain works again; the session is saved there');
      setStorage({ kind: 'keychain' });
    }
  }

  /** Deletes the record; never throws. False when the keychain refused. */
  async function deleteRecord(): Promise<boolean> {
    try {
      await saved.delete();
      return true;
    } catch (error) {
      // The record stays behind; where its refresh token was revoked, the next launch finds it
      // refused and deletes it then.
      noteError(error);
      return false;
    }
  }

  // ---- offline: keep the session, re-check with backoff -----------------------------------------

  let retryTimer: unknown = null;
  let retryAttempt = 0;
  let offlineSince: number | null = null;
  /** `refused` answers in a row (failureOutcome); only a confirmation or a new session resets it. */
  let refusalsInARow = 0;

  /** Stops the pending re-check; the backoff keeps counting. */
  function cancelRetry(): void {
    // Stryker disable next-line ConditionalExpression: equivalent: clearing no timer does nothing, with either kind of timers
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  /** The provider confirmed, or the session ended: no re-check pending, the backoff starts over. */
  function resetRetry(): void {
    cancelRetry();
    retryAttempt = 0;
    offlineSince = null;
    refusalsInARow = 0;
  }

  /** Keeps the session, offline; re-checks with backoff unless `automatic` is false. */
  function goOffline(error: unknown, automatic = true): void {
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
      nextRetryAt: automatic ? now() + delay : null,
      lastError: info,
      ...shortfallOf(session),
    });
    if (!automatic) {
      log.warn(`session: the provider refused ${refusalsInARow} times in a row; automatic re-checks stop`);
      return;
    }
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      void recheck();
    }, delay);
  }

  /**
   * Session ends that Latchkey decides itself while the provider still accepts the refresh token
   * (a 401 on an access token renewed for that very call: the refresh just succeeded). The grant is
   * revoked before the record goes, so no live refresh token outlives the session (RFC 7009 §2.1).
   */
  const endedWithLiveGrant = new WeakSet<object>();

  /** The session ended: delete the record and say why; `liveGrant`'s refresh token is revoked first. */
  async function endSession(message: string, liveGrant?: SessionRecord): Promise<void> {
    replaceSession(null);
    resetRetry();
    setPhase({ status: 'signedOut', reason: { kind: 'revoked', message } });
    if (liveGrant?.tokens.refreshToken) {
      const outcome = await auth.revokeGrant(liveGrant.tokens).catch((error: unknown): RevocationOutcome => ({
        revoked: false,
        reason: 'failed',
        error: asLatchkeyError(error),
      }));
      if (!outcome.revoked)
        log.warn(`session: the ended session's refresh token was not revoked (${outcome.reason})`);
    }
    await deleteRecord();
  }

  /** Applies `failureOutcome` to a provider call started for the session of `startedEpoch`. */
  async function handleFailure(error: unknown, startedEpoch: number): Promise<void> {
    if (startedEpoch !== epoch || !session) return;
    switch (failureOutcome(error)) {
      case 'end':
        noteError(error);
        await endSession(
          (error as Error).message,
          typeof error === 'object' && error !== null && endedWithLiveGrant.has(error) ? session : undefined,
        );
        return;
      // Stryker disable next-line StringLiteral: equivalent: 'none' only returns, and so does matching no case
      case 'none':
        return;
      case 'offline':
        goOffline(error);
        return;
      case 'refused':
        refusalsInARow += 1;
        goOffline(error, refusalsInARow < REFUSALS_BEFORE_PAUSE);
    }
  }

  // ---- the access token: single-flight refresh, saved before anyone uses it ---------------------

  let refreshing: Promise<SessionRecord> | null = null;

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
    const next = renewedRecord(current, await auth.refresh(refreshToken, current.subject), now());
    // Before anyone uses the new access token: once rotated, only this refresh token works.
    if (startedEpoch === epoch) await save(next);
    if (startedEpoch !== epoch) {
      // Signed out (or replaced) while the refresh was in flight: the new grant must not linger.
      void auth.revokeGrant(next.tokens).catch(() => undefined);
      throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
    }
    session = next;
    lastRefreshAt = now();
    if (phase.status === 'signedIn') setPhase(signedInPhase(next));
    log.info('session: access token renewed');
    return next;
  }

  /** The current record with a usable access token, and whether it was renewed for this call. */
  async function usableRecord(): Promise<{ record: SessionRecord; refreshed: boolean }> {
    if (refreshing) return { record: await refreshing, refreshed: true };
    const current = requireSession();
    if (current.tokens.expiresAt - leewayMs > now()) return { record: current, refreshed: false };
    return { record: await refreshTokens(), refreshed: true };
  }

  /** After a 401: refresh, unless another caller already renewed the rejected token. */
  async function refreshAfterRejection(rejected: SessionRecord): Promise<SessionRecord> {
    if (refreshing) return refreshing;
    const current = requireSession();
    if (current.tokens.accessToken !== rejected.tokens.accessToken) return current;
    return refreshTokens();
  }

  /**
   * Runs `operation` with a usable access token. A 401 from it (ACCESS_TOKEN_REJECTED) gets one
   * refresh and one retry; a 401 on a token renewed for this call ends the session. Every failure of
   * the token side (a refresh refused or unreachable, the 401 after a renewal) goes to
   * `onTokenFailure` before it is thrown; the operation's own other errors are thrown as they are.
   */
  async function withFreshToken<T>(
    operation: TokenOperation<T>,
    onTokenFailure: (error: unknown) => Promise<void> = async () => undefined,
  ): Promise<T> {
    const tokenStep = async <R>(step: () => Promise<R>): Promise<R> => {
      try {
        return await step();
      } catch (error) {
        await onTokenFailure(error);
        throw error;
      }
    };
    let { record, refreshed } = await tokenStep(usableRecord);
    for (;;) {
      try {
        return await operation(record.tokens.accessToken, record.subject);
      } catch (error) {
        if (!isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) throw error;
        if (refreshed) {
          const ended = new LatchkeyError('SESSION_EXPIRED', MESSAGES.rejectedAfterRefresh, { cause: error });
          endedWithLiveGrant.add(ended);
          return tokenStep(() => Promise.reject(ended));
        }
      }
      const rejected = record;
      record = await tokenStep(() => refreshAfterRejection(rejected));
      refreshed = true;
    }
  }

  // ---- validation: userinfo confirms the session and refreshes the cached profile ---------------

  /** Userinfo is the provider itself: every failure of it, not only the token's, is the session's. */
  function fetchClaims(): Promise<UserInfoClaims> {
    return withFreshToken((accessToken, subject) => auth.userinfo(accessToken, subject));
  }

  /** Takes fresh claims into the session; the cached profile is saved only when it changed. */
  async function acceptClaims(claims: UserInfoClaims): Promise<Profile> {
    const current = requireSession();
    const profile = profileFromClaims(claims);
    lastValidatedAt = now();
    resetRetry();
    if (!sameProfile(profile, current.profile)) {
      const next = { ...current, profile, savedAt: now() };
      session = next;
      await save(next);
    }
    if (session) setPhase(signedInPhase(session));
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

  function recheck(): Promise<SessionState> {
    if (disposed || !session) return Promise.resolve(published);
    return validate();
  }

  // ---- launch: one keychain read, the cached profile at once, then validation -------------------

  let restoring: Promise<SessionState> | null = null;
  /** The launch's keychain read, while it runs: callers wait for it rather than see "not signed in". */
  let launchRead: Promise<unknown> | null = null;

  async function afterLaunchRead(): Promise<void> {
    // Stryker disable next-line ConditionalExpression: equivalent: with no read running, the wait is `await null`
    if (launchRead) await launchRead;
  }

  /** Takes a saved session in (restoring) or says why there is none. True when found. */
  async function loadSavedSession(): Promise<boolean> {
    let found: SavedRead;
    try {
      found = await saved.read();
    } catch (error) {
      // No keychain this run: nothing to restore; a sign-in will live in memory (and is saved if
      // the keychain comes back).
      setStorage(memoryStorage(noteError(error), platform));
      return false;
    }
    if (session || attempt) return false; // a sign-in finished or started meanwhile
    if (found.kind === 'empty') return false;
    if (found.kind === 'unusable') {
      log.warn(`session: saved record discarded: ${found.reason}`);
      const message = MESSAGES.recordUnreadable(found.reason, found.removed);
      setPhase({ status: 'signedOut', reason: { kind: 'recordUnreadable', message } });
      return false;
    }
    replaceSession(found.record);
    if (found.record.provider) auth.useSavedMetadata(found.record.provider);
    setPhase({ status: 'restoring', profile: found.record.profile });
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
    // Stryker disable next-line ArrowFunction,BooleanLiteral: equivalent: launchRead is only waited for, its value never read
    launchRead = loading.catch(() => false);
    let restored: boolean;
    try {
      restored = await loading;
    } finally {
      launchRead = null;
    }
    if (!restored) {
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

  // ---- sign-in: at most one browser attempt at a time, the newest wins --------------------------

  let attempt: SignInAttempt | null = null;

  async function signIn({ chooseAccount = false }: { chooseAccount?: boolean } = {}): Promise<Profile> {
    if (disposed) throw new LatchkeyError('LOGIN_CANCELLED', MESSAGES.disposed);
    if (session) throw new LatchkeyError('INVALID_INPUT', MESSAGES.alreadySignedIn);
    // A second click on "Sign in" replaces the pending attempt (the first rejects LOGIN_CANCELLED).
    attempt?.controller.abort();
    const mine: SignInAttempt = {
      controller: new AbortController(),
      url: null,
      submitPasted: null,
      lastOpenedAt: Number.NEGATIVE_INFINITY,
      startedAt: now(),
      expiresAt: now() + signInTimeoutMs,
    };
    attempt = mine;
    try {
      const result = await auth.signIn({
        openExternal,
        signal: mine.controller.signal,
        timeoutMs: signInTimeoutMs,
        chooseAccount,
        onPastedCallbackEntry: (submit) => {
          mine.submitPasted = submit;
        },
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
            redirect: {
              uri: redirectUriOf(url),
              fixedPort: (auth.settings.redirectPorts?.length ?? 0) > 0,
            },
          });
        },
      });
      if (attempt !== mine || session) {
        // Cancelled after the provider had already answered: do not keep a grant nobody asked for.
        void auth.revokeGrant(result.tokens).catch(() => undefined);
        throw loginCancelled();
      }
      attempt = null;
      return await startSession(recordFromSignIn(auth.settings, result, now()));
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

  /** A finished sign-in becomes the session: saved (or kept in memory), then shown signed in. */
  async function startSession(record: SessionRecord): Promise<Profile> {
    const grant = grantShortfall(record.tokens, auth.settings.scopes);
    if (grant) {
      log.warn(
        `session: the provider granted less than asked: missing [${grant.missingScopes.join(' ')}], ${grant.renewable ? 'with' : 'without'} a refresh token`,
      );
    }
    replaceSession(record);
    lastValidatedAt = now();
    // Stryker disable next-line CallExpression: equivalent: every end of a session (signOut, endSession) has reset it already, and a sign-in needs no session
    resetRetry();
    await save(record);
    if (session === record) setPhase(signedInPhase(record));
    return record.profile;
  }

  function cancelSignIn(): void {
    const pending = attempt;
    if (!pending) return;
    attempt = null;
    pending.controller.abort();
    setPhase({ status: 'signedOut' });
  }

  /**
   * Repeated clicks (or a held Enter key) within REOPEN_INTERVAL_MS of the last opening open nothing
   * more: decided here, not only by the button, so any caller gets one tab per burst.
   */
  async function reopenSignInPage(): Promise<void> {
    const pending = attempt;
    if (!pending?.url) return;
    if (now() - pending.lastOpenedAt < REOPEN_INTERVAL_MS) return;
    pending.lastOpenedAt = now();
    await openExternal(pending.url);
  }

  function submitCallbackUrl(pasted: string): void {
    const submit = attempt?.submitPasted;
    if (!submit)
      throw new LatchkeyError(
        'LOGIN_REJECTED',
        'Latchkey is not waiting for a sign-in right now. Sign in first.',
      );
    submit(pasted);
  }

  // ---- sign-out ---------------------------------------------------------------------------------

  /** The revocation as the person is told of it; a failure is also kept for diagnostics. */
  function revocationReport(outcome: RevocationOutcome): RevocationReport {
    if (outcome.revoked) return { outcome: 'revoked' };
    if (outcome.reason !== 'failed') {
      log.warn(`session: the refresh token was not revoked (${outcome.reason})`);
      return { outcome: 'notRevoked', why: outcome.reason };
    }
    const error = noteError(outcome.error);
    const unreachable = error.code === 'NETWORK' || error.code === 'RATE_LIMITED';
    return { outcome: 'notRevoked', why: unreachable ? 'unreachable' : 'refused', error };
  }

  /** Opens the provider's sign-out page (RP-initiated logout); never throws. */
  async function endProviderSession(idToken: string | undefined): Promise<SignOutReport['providerSession']> {
    let url: string;
    try {
      url = await auth.endSessionUrl(idToken ? { idTokenHint: idToken } : {});
    } catch (error) {
      noteError(error);
      return isLatchkeyError(error, 'NOT_SUPPORTED') ? 'notSupported' : 'failed';
    }
    try {
      await openExternal(url);
      return 'pageOpened';
    } catch (error) {
      noteError(error);
      return 'failed';
    }
  }

  /** The report of the sign-out the signed-out screen shows now, if it shows one. */
  function shownReport(): SignOutReport | undefined {
    return phase.status === 'signedOut' && phase.reason?.kind === 'signedOut'
      ? phase.reason.report
      : undefined;
  }

  /** The sign-out still finishing (revocation in flight), so that a second one waits for its report. */
  let finishing: Promise<SignOutReport> | null = null;

  async function signOut({ everywhere }: { everywhere: boolean }): Promise<SignOutReport> {
    cancelSignIn();
    const ended = session;
    if (!ended && finishing) await finishing;
    if (!ended) {
      // Already signed out: what is left is the provider's browser session, offered by the
      // signed-out screen when the refresh token could not be revoked. The earlier facts stand.
      const earlier = shownReport();
      const report: SignOutReport = {
        thisComputer: earlier?.thisComputer ?? 'noSession',
        revocation: earlier?.revocation ?? { outcome: 'notNeeded' },
        providerSession: everywhere
          ? await endProviderSession(undefined)
          : (earlier?.providerSession ?? 'notRequested'),
      };
      if (!session && !attempt && !disposed)
        setPhase({ status: 'signedOut', reason: { kind: 'signedOut', report } });
      return report;
    }
    // Offline, the provider's sign-out page would only show the browser's own error page.
    const offline = phase.status === 'offline';
    replaceSession(null);
    resetRetry();
    const running = signOutOf(ended, everywhere, offline);
    finishing = running;
    try {
      return await running;
    } finally {
      if (finishing === running) finishing = null;
    }
  }

  /** Signs `ended` out: shown at once, then removed, revoked and reported. Never throws. */
  async function signOutOf(
    ended: SessionRecord,
    everywhere: boolean,
    offline: boolean,
  ): Promise<SignOutReport> {
    // Shown at once; the report follows when the provider has answered.
    const pending: SessionPhase = { status: 'signedOut', reason: { kind: 'signedOut' } };
    setPhase(pending);

    const removed = await deleteRecord();
    // A failed revocation is reported, and the person is signed out anyway.
    const revocation = revocationReport(
      await auth.revokeGrant(ended.tokens).catch((error: unknown): RevocationOutcome => ({
        revoked: false,
        reason: 'failed',
        error: asLatchkeyError(error),
      })),
    );
    const unreachable = offline || (revocation.outcome === 'notRevoked' && revocation.why === 'unreachable');
    const providerSession = !everywhere
      ? 'notRequested'
      : unreachable
        ? 'unreachable'
        : await endProviderSession(ended.tokens.idToken);
    const report: SignOutReport = {
      thisComputer: removed ? 'removed' : 'removeFailed',
      revocation,
      providerSession,
    };
    // Unless something else happened meanwhile (a new sign-in started).
    if (phase === pending) setPhase({ status: 'signedOut', reason: { kind: 'signedOut', report } });
    return report;
  }

  // ---- calls that need the access token ---------------------------------------------------------

  async function fetchProfile(): Promise<Profile> {
    await afterLaunchRead();
    const startedEpoch = epoch;
    // Stryker disable next-line CallExpression: equivalent: fetchClaims asks requireSession first thing, and the same error is thrown
    requireSession();
    try {
      return await acceptClaims(await fetchClaims());
    } catch (error) {
      await handleFailure(error, startedEpoch);
      throw asLatchkeyError(error);
    }
  }

  async function withAccessToken<T>(operation: TokenOperation<T>): Promise<T> {
    await afterLaunchRead();
    const startedEpoch = epoch;
    // Only the token side decides about the session (offline, ended); a users API that is down does not.
    return withFreshToken(operation, (error) => handleFailure(error, startedEpoch));
  }

  function accountAccess(): AccountAccessToken | undefined {
    return session?.accountAccess;
  }

  async function keepAccountAccess(token: AccountAccessToken | null, subject: string): Promise<boolean> {
    const current = session;
    if (!current || disposed || current.subject !== subject) return false;
    if (token === null && !current.accountAccess) return true;
    const { accountAccess: _dropped, ...rest } = current;
    const next: SessionRecord = token
      ? { ...rest, accountAccess: token, savedAt: now() }
      : { ...rest, savedAt: now() };
    session = next;
    await save(next);
    return true;
  }

  function diagnostics(): Diagnostics {
    const stats = store.stats();
    const known = auth.knownMetadata() ?? session?.provider ?? null;
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
      redirectPorts: [...(auth.settings.redirectPorts ?? [])],
      offlineAccessPrompt: auth.settings.offlineAccessPrompt !== false,
      scopes: {
        requested: [...auth.settings.scopes],
        granted: session ? grantedScopes(session.tokens, auth.settings.scopes) : null,
        grantedStated: session?.tokens.scope !== undefined,
        refreshToken: session?.tokens.refreshToken !== undefined,
      },
      revocation: known ? revocationSupport(known) : null,
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
    submitCallbackUrl,
    cancelSignIn,
    reopenSignInPage,
    recheck,
    signOut,
    fetchProfile,
    withAccessToken,
    accountAccess,
    keepAccountAccess,
    diagnostics,
    dispose,
  };
}
