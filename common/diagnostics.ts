import type { ErrorInfo } from './errors';

/** What the diagnostics panel shows. No secret, no token fragment, no code: only facts about them. */
export interface Diagnostics {
  issuer: string;
  clientId: string;
  storage: { backend: 'keychain' | 'memory'; detail: string };
  /** Size of the stored record in bytes, and how many keychain items hold it (split where capped). */
  record: { bytes: number; items: number } | null;
  accessTokenExpiresAt: number | null;
  lastRefreshAt: number | null;
  lastValidatedAt: number | null;
  lastError: (ErrorInfo & { at: number }) | null;
  usersApi: 'auth0' | 'none';
  /**
   * Which provider this run uses: `local-demo` is the in-process demo provider a development build
   * starts when nothing is configured (the renderer shows a banner saying so). Filled in by the
   * composition (main/services.ts, from what main/electron/app.ts or the browser harness chose);
   * absent where nobody chose (the integration tests).
   */
  provider?: { kind: 'local-demo' | 'configured'; issuer: string };
}
