import type { Profile, SessionPhase, SignedOutReason } from '../../common/session-state';
import type { AuthClient, SignInResult } from '../auth/types';
import { LatchkeyError, loginCancelled, toErrorInfo } from '../errors';
import { MESSAGES } from './messages';
import { profileFromClaims } from './profile';
import { RECORD_FORMAT_VERSION, type SessionRecord } from './record';
import { revokeGrant } from '../auth/revoke-grant';
import { asLatchkeyError, noteError, type SessionContext } from './session-context';

export interface SignInAttempts {
  /** Runs the browser sign-in; resolves with the profile once `startSession` has taken the record. */
  signIn(): Promise<Profile>;
  /** Cancels the pending attempt (no-op otherwise). */
  cancel(): void;
  /** Opens the pending attempt's authorization URL in the browser again. */
  reopenPage(): Promise<void>;
  /** True while an attempt waits for the browser. */
  isPending(): boolean;
}

export interface SignInAttemptsDeps {
  context: SessionContext;
  auth: AuthClient;
  openExternal: (url: string) => Promise<void>;
  setPhase: (next: SessionPhase) => void;
  /** How long a sign-in waits for the browser to come back. */
  timeoutMs: number;
  /** Makes the signed-in record the session (saved, published); called with no attempt pending. */
  startSession: (record: SessionRecord) => Promise<Profile>;
}

interface SignInAttempt {
  controller: AbortController;
  url: string | null;
  startedAt: number;
  expiresAt: number;
}

/** The pending browser sign-in: at most one at a time, the newest wins. */
export function createSignInAttempts(deps: SignInAttemptsDeps): SignInAttempts {
  const { context, auth, openExternal, setPhase, timeoutMs, startSession } = deps;
  const { now, log } = context;
  let attempt: SignInAttempt | null = null;

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
    if (context.disposed) throw new LatchkeyError('LOGIN_CANCELLED', MESSAGES.disposed);
    if (context.session) throw new LatchkeyError('INVALID_INPUT', MESSAGES.alreadySignedIn);
    // A second click on "Sign in" replaces the pending attempt (the first rejects LOGIN_CANCELLED).
    attempt?.controller.abort();
    const mine: SignInAttempt = {
      controller: new AbortController(),
      url: null,
      startedAt: now(),
      expiresAt: now() + timeoutMs,
    };
    attempt = mine;
    try {
      const result = await auth.signIn({
        openExternal,
        signal: mine.controller.signal,
        timeoutMs,
        onOpenExternalError: (error) => {
          // The attempt goes on: the page offers "Open the page again" and the link itself.
          log.warn(`session: the browser could not be opened (${toErrorInfo(error).code})`);
          noteError(context, new LatchkeyError('INTERNAL', MESSAGES.browserNotOpened, { cause: error }));
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
      if (attempt !== mine || context.session) {
        // Cancelled after the provider had already answered: do not keep a grant nobody asked for.
        void revokeGrant(auth, result.tokens).catch(() => undefined);
        throw loginCancelled();
      }
      const record = recordFromSignIn(result);
      attempt = null;
      return await startSession(record);
    } catch (error) {
      const failure = asLatchkeyError(error);
      if (attempt === mine) {
        attempt = null;
        if (failure.code === 'LOGIN_CANCELLED') {
          setPhase({ status: 'signedOut' });
        } else {
          const reason: SignedOutReason = { kind: 'signInFailed', error: noteError(context, failure) };
          setPhase({ status: 'signedOut', reason });
        }
      }
      throw failure;
    }
  }

  function cancel(): void {
    const pending = attempt;
    if (!pending) return;
    attempt = null;
    pending.controller.abort();
    setPhase({ status: 'signedOut' });
  }

  async function reopenPage(): Promise<void> {
    if (attempt?.url) await openExternal(attempt.url);
  }

  return { signIn, cancel, reopenPage, isPending: () => attempt !== null };
}
