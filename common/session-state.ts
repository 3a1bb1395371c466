import type { ErrorInfo } from './errors';

/** What the renderer may know about the person: claims from userinfo, never a token. */
export interface Profile {
  sub: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  emailVerified?: boolean;
  /** A URL the renderer can show. Main serves the cached avatar from its own protocol where it can. */
  picture?: string;
}

/** Where the session is kept. `memory` means it ends with this run, and says why and what to do. */
export type SessionStorage = { kind: 'keychain' } | { kind: 'memory'; problem: ErrorInfo; remedy: string };

/** Why the person is signed out, when it was not their own doing (or was, to confirm it). */
export type SignedOutReason =
  | { kind: 'signedOut' }
  | { kind: 'revoked'; message: string }
  | { kind: 'recordUnreadable'; message: string }
  | { kind: 'signInFailed'; error: ErrorInfo };

export type SessionPhase =
  | { status: 'signedOut'; reason?: SignedOutReason }
  /**
   * The system browser is showing the provider's page. Until the attempt ends the URL can finish this
   * sign-in with any account (its `state` is what the loopback receiver accepts): main never logs it,
   * and it leaves the state when the attempt ends (signed in, failed, cancelled, timed out).
   */
  | { status: 'signingIn'; authorizationUrl: string; startedAt: number; expiresAt: number }
  /** Shown at once at launch from the keychain's cached profile while the provider is asked. */
  | { status: 'restoring'; profile: Profile }
  | { status: 'signedIn'; profile: Profile; validatedAt: number; accessTokenExpiresAt: number }
  /** The provider is unreachable; the session and its tokens are kept and re-checked by themselves. */
  | { status: 'offline'; profile: Profile; since: number; nextRetryAt: number; lastError: ErrorInfo };

/** Times are epoch milliseconds. */
export type SessionState = SessionPhase & { storage: SessionStorage };
