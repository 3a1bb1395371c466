import type { Page } from '@playwright/test';

/**
 * One Latchkey instance under test, whatever runs it: the renderer build in Chromium over the real
 * handler table, or the real Electron app. Specs talk to this and to `page` only.
 */
export interface AppDriver {
  readonly kind: 'chromium' | 'electron';
  /** The app's window. Replaced by restart(). */
  readonly page: Page;
  /** Resolves with the next URL the app hands to the system browser (sign-in, sign-out everywhere). */
  nextExternalUrl(timeoutMs?: number): Promise<string>;
  /** Every URL handed to the system browser so far. */
  readonly externalUrls: readonly string[];
  /** Quits and launches again with the same keychain: the session must come back from it. */
  restart(): Promise<void>;
  /** Asks main to re-check the session, as it does when the machine wakes or the network returns. */
  recheck(): Promise<void>;
  /** Whether a stored session exists in the keychain right now. */
  hasStoredSession(): Promise<boolean>;
  close(): Promise<void>;
}
