import type { MetadataPatch, UserMetadata } from '../common/metadata';
import type { KeychainBackend } from '../main/keychain/keychain-store';

/**
 * What the scenarios drive: Latchkey's real services, or the tutorial-style baseline. Both get the
 * same provider, the same latency proxy and the same real keychain; the scenarios (scenarios.ts)
 * measure both the same way.
 */

/** A session as a previous run left it: real tokens from the provider, and the userinfo claims. */
export interface SeedSession {
  accessToken: string;
  refreshToken: string;
  idToken?: string;
  /** Seconds, as the token endpoint said. */
  expiresIn: number;
  scope: string;
  tokenType: string;
  subject: string;
  claims: Record<string, unknown> & { sub: string };
}

/** performance.now() marks of one launch. */
export interface LaunchTimeline {
  /** When a profile was first there to show (the cached one, or the one just fetched). */
  profileAt: number | null;
  /** When the session was confirmed with the provider. */
  validatedAt: number | null;
  signedIn: boolean;
}

/** One app process: nothing in memory when it starts. */
export interface RunningApp {
  /** What the app does at launch; resolves once the session is validated, or known to be absent. */
  launch(): Promise<LaunchTimeline>;
  /** The whole browser sign-in; resolves once signed in and stored. */
  signIn(): Promise<void>;
  getMetadata(): Promise<UserMetadata>;
  updateMetadata(patch: MetadataPatch): Promise<UserMetadata>;
  /**
   * The access token's lifetime has passed on the app's clock. (Latchkey moves its injected clock;
   * the baseline keeps no expiry and learns it from a 401, so this is a no-op there.) The provider's
   * clock is moved separately (provider-session.ts).
   */
  passExpiry(): void;
  signOut(): Promise<void>;
  dispose(): void;
}

export interface StartOptions {
  /** The keychain the app under test uses (the real one, wrapped to count calls). */
  backend: KeychainBackend;
  openExternal: (url: string) => Promise<void>;
}

export interface Contender {
  readonly name: 'latchkey' | 'baseline';
  /**
   * Saves `session` in this app's keychain format (benchmark setup, not counted). The scenarios then
   * launch the app once (a "previous run", scenarios.ts) so that the record ends up as the app itself
   * writes it.
   */
  seed(session: SeedSession): Promise<void>;
  /** Removes whatever this app keeps in the keychain (benchmark setup). */
  clear(): Promise<void>;
  start(options: StartOptions): RunningApp;
}
