import type { Diagnostics } from '../../common/diagnostics';
import type { Profile, SessionState } from '../../common/session-state';

/**
 * The session as the rest of main sees it (IPC handlers, the account client, the Electron shell).
 * Implemented by session-manager.ts. Tokens never leave it except into `withAccessToken` callbacks.
 */
export interface SessionManager {
  getState(): SessionState;
  /** Called on every state change, in order. Returns the function that unsubscribes. */
  subscribe(listener: (state: SessionState) => void): () => void;
  /** At launch: one keychain read, the cached profile at once (`restoring`), then validation. */
  restore(): Promise<SessionState>;
  /** Runs the whole browser sign-in; resolves with the profile once the session is stored. */
  signIn(): Promise<Profile>;
  /** Cancels a pending sign-in (no-op otherwise). */
  cancelSignIn(): void;
  /** Opens the pending attempt's authorization URL in the browser again. */
  reopenSignInPage(): Promise<void>;
  /** Validates now (resume, network back, "retry now"). Never drops the session on a network error. */
  recheck(): Promise<SessionState>;
  /** Deletes the record, revokes the refresh token; `everywhere` also ends the provider's browser session. */
  signOut(options: { everywhere: boolean }): Promise<void>;
  /** A fresh profile from userinfo (one refresh-and-retry on 401); updates the cached profile. */
  fetchProfile(): Promise<Profile>;
  /**
   * Runs `operation` with a valid access token (refreshing first when it is expired or about to be).
   * When `operation` throws ACCESS_TOKEN_REJECTED, refreshes once and retries once.
   */
  withAccessToken<T>(operation: (accessToken: string, subject: string) => Promise<T>): Promise<T>;
  diagnostics(): Diagnostics;
  /** Stops timers and listeners; cancels a pending sign-in. */
  dispose(): void;
}
