import type { LatchkeyError } from '../errors';

/**
 * The shapes the sign-in machinery hands to the rest of main. Plain Node: no `electron` here.
 * Tokens live only in main; nothing in this file is ever sent over IPC as is.
 */

/** Which provider and how to talk to it. Produced by main/config/settings.ts, validated there. */
export interface ProviderSettings {
  /** e.g. https://tenant.eu.auth0.com/ or http://127.0.0.1:4400 (the local provider). */
  issuer: string;
  clientId: string;
  /** Auth0 API audience (the Management API: https://TENANT/api/v2/). Sent as the `audience` parameter. */
  audience?: string;
  scopes: string[];
  /**
   * Whether an authorization request asking for `offline_access` also sends `prompt=consent`, as
   * OIDC Core §11 requires ("MUST ensure that the prompt parameter contains consent"): standard
   * providers (oidc-provider among them) otherwise drop offline_access and issue no refresh token,
   * or one that dies with their browser session. Default true; Auth0 documents offline_access
   * without it, so its settings turn it off (main/config/settings.ts).
   */
  offlineAccessPrompt?: boolean;
  /**
   * Set for an Auth0 tenant (main/config/settings.ts): the users API then needs a Management API
   * token of its own, obtained by a second authorization (main/account/management-token.ts), and
   * revocation sends refresh tokens only (Auth0's /oauth/revoke revokes nothing else). Absent: the
   * session's access token is used for the users API too (generic providers, the local provider).
   */
  auth0?: {
    /** The canonical tenant domain (never a custom domain), e.g. tenant.eu.auth0.com. */
    tenantDomain: string;
    /** The Management API identifier, `https://{tenantDomain}/api/v2/` (the trailing slash counts). */
    managementAudience: string;
  };
  /** Where the Auth0-compatible users API lives, or 'none' for providers without one. */
  usersApi: { kind: 'auth0'; baseUrl: string } | { kind: 'none' };
  /**
   * Fixed loopback ports for the redirect `http://127.0.0.1:{port}/callback`, tried in order when one
   * is taken, for providers that compare redirect URIs exactly. Empty or absent: an ephemeral port
   * per sign-in (RFC 8252 §7.3), which providers following that section accept.
   */
  redirectPorts?: number[];
}

export interface TokenSet {
  accessToken: string;
  /** Absent when the provider issued none (no offline_access). */
  refreshToken?: string;
  idToken?: string;
  /** Epoch ms at which the provider says the access token expires. */
  expiresAt: number;
  scope?: string;
  tokenType: string;
}

/** Standard claims from userinfo (or the ID token), as the provider sent them. */
export interface UserInfoClaims {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  [claim: string]: unknown;
}

/**
 * The part of the provider's discovery document Latchkey calls. Saved with the session so that a
 * launch validates it without a discovery request on the critical path; not a secret.
 */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
  jwks_uri?: string;
  code_challenge_methods_supported?: string[];
  /** openid-client checks ID tokens (also those a refresh returns) against this list; RS256 without it. */
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  /** Auth0 advertises this; its presence identifies an Auth0 tenant behind a custom domain. */
  mfa_challenge_endpoint?: string;
  /**
   * The prompt values the provider supports ("Initiating User Registration via OpenID Connect 1.0"
   * registers this metadata); absent, only OIDC Core's own values can be assumed.
   */
  prompt_values_supported?: string[];
  /** RFC 8414 §2: how clients may authenticate at the revocation endpoint ("none" admits public ones). */
  revocation_endpoint_auth_methods_supported?: string[];
}

/** What became of a revocation request (RFC 7009). */
export type RevocationOutcome =
  | { revoked: true }
  /** Not attempted: the provider has no revocation endpoint (RFC 8414 §2). */
  | { revoked: false; reason: 'noEndpoint' }
  /**
   * Not attempted: the provider's revocation_endpoint_auth_methods_supported (RFC 8414 §2) lacks
   * "none", so it accepts only authenticated (confidential) clients, and Latchkey is public.
   */
  | { revoked: false; reason: 'publicClientsNotAllowed' }
  /**
   * Not attempted: the session holds no refresh token, and the provider revokes nothing else (Auth0:
   * "This endpoint only revokes refresh tokens. Access tokens cannot be revoked",
   * https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token).
   */
  | { revoked: false; reason: 'noRefreshToken' }
  /** Attempted and failed (NETWORK, RATE_LIMITED, PROVIDER_ERROR...). */
  | { revoked: false; reason: 'failed'; error: LatchkeyError };

export interface SignInResult {
  tokens: TokenSet;
  /** The ID token's `sub`; every later userinfo call must return the same subject. */
  subject: string;
  /** Userinfo claims fetched right after the code exchange (with the expected subject). */
  claims: UserInfoClaims;
}

/** A second authorization for an API's access token (Auth0's Management API), with the session kept as it is. */
export interface AuthorizationResult {
  tokens: TokenSet;
  /** The ID token's `sub`: whom the browser was signed in as. */
  subject: string;
}

export interface SignInOptions {
  /** Opens the URL in the system browser (Electron's shell.openExternal in the app). */
  openExternal: (url: string) => Promise<void>;
  /** Aborting cancels the attempt: the loopback receiver closes and the promise rejects LOGIN_CANCELLED. */
  signal?: AbortSignal;
  /** How long to wait for the browser to come back; rejects LOGIN_TIMEOUT after it. */
  timeoutMs?: number;
  /** Called once the authorization URL exists (the UI offers "open again" and "copy the link"). */
  onAuthorizationUrl?: (url: string) => void;
  /**
   * Called when `openExternal` rejects. The attempt keeps waiting: the person can still open the
   * link from the app ("Open the page again", "copy the link") until the timeout or a cancel.
   */
  onOpenExternalError?: (error: unknown) => void;
  /**
   * "Use a different account": ask the provider to show its account picker, or its login page where
   * it does not list select_account (OIDC Core §3.1.2.1, prompt).
   */
  chooseAccount?: boolean;
  /**
   * Called once the loopback receiver listens, with the way to hand it a callback address the person
   * pasted (the browser could not reach the port). Judged by the receiver's one rule; throws
   * LOGIN_REJECTED and changes nothing when refused.
   */
  onPastedCallbackEntry?: (submit: (pasted: string) => void) => void;
}

/**
 * The provider operations the session layer needs. Errors are LatchkeyError with codes:
 * NETWORK (unreachable, timeout, 5xx), PROVIDER_ERROR, SESSION_EXPIRED (refresh refused:
 * invalid_grant), ACCESS_TOKEN_REJECTED (userinfo 401), LOGIN_* for the browser leg.
 */
export interface AuthClient {
  readonly settings: ProviderSettings;
  /**
   * Fetches (once per run) the discovery document; later calls reuse it. Safe to call early. When the
   * client runs on saved metadata (useSavedMetadata), the first call discovers afresh and replaces it.
   */
  discover(): Promise<void>;
  /**
   * Uses metadata an earlier run discovered (kept in the session record) instead of discovering on
   * the critical path. Ignored once discovery has started, and when it names another issuer.
   */
  useSavedMetadata(metadata: ProviderMetadata): void;
  /** The metadata in use, trimmed to ProviderMetadata, or null before discovery or a saved one. */
  knownMetadata(): ProviderMetadata | null;
  signIn(options: SignInOptions): Promise<SignInResult>;
  /**
   * The same browser round trip as signIn (fresh PKCE verifier, state and nonce; the same loopback
   * receiver and ports) for another `audience` and `scope`, without offline_access and without
   * userinfo. What the caller does with the token is its own affair.
   */
  authorize(options: SignInOptions & { audience: string; scope: string }): Promise<AuthorizationResult>;
  /**
   * Renews the tokens; returns what the provider sent (no refresh or ID token when it sent none).
   * When the response carries an ID token, its `sub` must be `expectedSubject` (OIDC Core §12.2),
   * else PROVIDER_ERROR and the new tokens are not used.
   */
  refresh(refreshToken: string, expectedSubject?: string): Promise<TokenSet>;
  userinfo(accessToken: string, expectedSubject: string): Promise<UserInfoClaims>;
  /**
   * Revokes the grant (RFC 7009) through its refresh token, or its access token when it has none
   * (never on Auth0, which revokes refresh tokens only), and says what became of it. Never rejects.
   */
  revokeGrant(tokens: Pick<TokenSet, 'accessToken' | 'refreshToken'>): Promise<RevocationOutcome>;
  /** The URL that ends the provider's browser session (RP-initiated logout, or Auth0's /v2/logout). */
  endSessionUrl(options: { idTokenHint?: string; postLogoutRedirectUri?: string }): Promise<string>;
}
