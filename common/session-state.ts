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

/**
 * What a sign-out did, step by step: the result of the `signOut` IPC method, also carried by the
 * signed-out state that follows it, so the signed-out screen can say it in plain words. Plain data
 * (no token, no code); each field is a fact the renderer words as it likes (docs/ARCHITECTURE.md,
 * "Life of a session", Sign-out).
 */
export interface SignOutReport {
  /**
   * The session saved on this computer (the keychain record):
   * - `removed`: it is gone (deleted from the keychain; a session kept in memory ends with it);
   * - `removeFailed`: the keychain refused to delete it, so it may still be there (the session is
   *   ended in the app all the same);
   * - `noSession`: there was no session to remove (already signed out).
   */
  thisComputer: 'removed' | 'removeFailed' | 'noSession';
  /** The session's grant at the provider: was its refresh token revoked (RFC 7009)? */
  revocation: RevocationReport;
  /**
   * The provider's own browser session ("sign out everywhere", OIDC RP-Initiated Logout):
   * - `notRequested`: a plain sign-out leaves it alone;
   * - `pageOpened`: the provider's sign-out page was opened in the browser (the person may have to
   *   confirm there; Latchkey cannot see the outcome);
   * - `notSupported`: the provider offers no way to end it (no end_session_endpoint, not Auth0);
   * - `failed`: the page could not be opened (browser or provider configuration unavailable);
   * - `unreachable`: not opened, because the provider could not be reached (the session was offline,
   *   or the revocation request found it unreachable): the page would only show a browser error.
   */
  providerSession: 'notRequested' | 'pageOpened' | 'notSupported' | 'failed' | 'unreachable';
}

/**
 * Whether the refresh token was revoked at the provider. When it was not, it stays valid there until
 * it expires, though this computer no longer holds it; ending the provider's browser session is what
 * the person can still do ("sign out everywhere").
 */
export type RevocationReport =
  /** The provider confirmed the revocation. */
  | { outcome: 'revoked' }
  /** There was no session, so nothing to revoke. */
  | { outcome: 'notNeeded' }
  /**
   * Not attempted, because the provider cannot do it for Latchkey: `noEndpoint` (its discovery
   * document has no revocation_endpoint, RFC 8414 §2), `publicClientsNotAllowed` (it advertises
   * revocation_endpoint_auth_methods_supported without "none": only confidential clients, and
   * Latchkey is a public client, RFC 8252 §8.4).
   */
  | { outcome: 'notRevoked'; why: 'noEndpoint' | 'publicClientsNotAllowed' }
  /**
   * Not attempted: the session held no refresh token and the provider revokes nothing else (Auth0
   * cannot revoke access tokens); the access token stays valid until it expires.
   */
  | { outcome: 'notRevoked'; why: 'noRefreshToken' }
  /**
   * Attempted, and it failed: `unreachable` (network, timeout, 5xx, rate limit) or `refused` (the
   * provider answered with an error). `error` is for the Diagnostics panel.
   */
  | { outcome: 'notRevoked'; why: 'unreachable' | 'refused'; error: ErrorInfo };

/** Why the person is signed out, when it was not their own doing (or was, to confirm it). */
export type SignedOutReason =
  /** Their own sign-out; `report` arrives once it has finished (absent while it runs). */
  | { kind: 'signedOut'; report?: SignOutReport }
  | { kind: 'revoked'; message: string }
  | { kind: 'recordUnreadable'; message: string }
  | { kind: 'signInFailed'; error: ErrorInfo };

/**
 * Present on a session whose provider granted less than Latchkey asked for (RFC 6749 §5.1: the token
 * response's `scope` lists what was granted; absent, it is what was asked), so the person can be told
 * what that means for them.
 */
export interface GrantShortfall {
  /** Scopes asked for and not granted, in the order asked (`openid` is never listed: no sign-in without it). */
  missingScopes: string[];
  /**
   * False when the provider issued no refresh token: the session cannot be renewed, and the person
   * signs in again once the access token expires (at the latest at the next launch after that).
   */
  renewable: boolean;
}

export type SessionPhase =
  | { status: 'signedOut'; reason?: SignedOutReason }
  /**
   * The system browser is showing the provider's page. Until the attempt ends the URL can finish this
   * sign-in with any account (its `state` is what the loopback receiver accepts): main never logs it,
   * and it leaves the state when the attempt ends (signed in, failed, cancelled, timed out).
   */
  | {
      status: 'signingIn';
      authorizationUrl: string;
      startedAt: number;
      expiresAt: number;
      /**
       * The loopback redirect URI this attempt waits on, and whether its port is a configured fixed
       * one: the waiting screen says what to register when the browser shows a redirect error
       * (providers that compare redirect URIs exactly refuse any other port, with no way back).
       */
      redirect: { uri: string; fixedPort: boolean };
    }
  /** Shown at once at launch from the keychain's cached profile while the provider is asked. */
  | { status: 'restoring'; profile: Profile }
  | {
      status: 'signedIn';
      profile: Profile;
      validatedAt: number;
      accessTokenExpiresAt: number;
      /** Only when the provider granted less than asked. */
      grant?: GrantShortfall;
    }
  /**
   * The session could not be confirmed (the provider is unreachable, or answered without confirming
   * it); the session and its tokens are kept. `nextRetryAt` is the next automatic re-check, or null
   * when Latchkey has stopped checking by itself because the provider keeps refusing in the same way
   * (main/session/session-manager.ts, failureOutcome); "Retry now", waking and the network coming
   * back still check.
   */
  | {
      status: 'offline';
      profile: Profile;
      since: number;
      nextRetryAt: number | null;
      lastError: ErrorInfo;
      /** Only when the provider granted less than asked. */
      grant?: GrantShortfall;
    };

/** Times are epoch milliseconds. */
export type SessionState = SessionPhase & { storage: SessionStorage };
