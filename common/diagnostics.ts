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
  /** The loopback redirect's fixed ports, in the order tried; empty: an ephemeral port per sign-in. */
  redirectPorts: number[];
  /** Whether offline_access is asked for with prompt=consent (OIDC Core §11). */
  offlineAccessPrompt: boolean;
  /**
   * The scopes asked for and, for the current session, those the provider granted (RFC 6749 §5.1).
   * `granted` is null with no session; `grantedStated` is false when the provider did not list them
   * (then they are the ones asked for). `refreshToken`: whether the session holds one (never its value).
   */
  scopes: {
    requested: string[];
    granted: string[] | null;
    grantedStated: boolean;
    refreshToken: boolean;
  };
  /**
   * Whether the provider lets Latchkey revoke its tokens, as its discovery document says (null before
   * discovery): main/auth/provider-metadata.ts, revocationSupport.
   */
  revocation: 'publicClients' | 'confidentialOnly' | 'notOffered' | 'notAdvertised' | null;
  /**
   * Which provider this run uses: `local-demo` is the in-process demo provider a development build
   * starts when nothing is configured (the renderer shows a banner saying so). Filled in by the
   * composition (main/services.ts, from what main/electron/app.ts or the browser harness chose);
   * absent where nobody chose (the integration tests).
   */
  provider?: { kind: 'local-demo' | 'configured'; issuer: string };
}
