import * as oidc from 'openid-client';
import { isLatchkeyError, LatchkeyError, loginCancelled } from '../errors';
import { answerExcerpt, toAuthError, type AuthOperation } from './errors';
import { issuerTransport } from '../transport';
import { serveSignedOutPage, startLoopbackReceiver } from './loopback-receiver';
import {
  auth0LogoutUrl,
  discoveredEndpointProblem,
  looksLikeAuth0,
  revocationSupport,
  savedEndpointsProblem,
  trimProviderMetadata,
} from './provider-metadata';
import type {
  AuthClient,
  AuthorizationResult,
  ProviderMetadata,
  ProviderSettings,
  RevocationOutcome,
  SignInOptions,
  SignInResult,
  TokenSet,
  UserInfoClaims,
} from './types';

export interface AuthClientDeps {
  /** Clock for token expiry (epoch ms). */
  now?: () => number;
  /** Replaces fetch for every provider request (openid-client's customFetch). Tests use it to inject faults. */
  fetch?: typeof fetch;
  /** Timeout of each HTTP request to the provider. */
  httpTimeoutMs?: number;
}

const DEFAULT_HTTP_TIMEOUT_MS = 15_000;
/**
 * How long the loopback receiver waits for the browser. Until then the authorization URL is a bearer
 * secret: whoever opens it (from the clipboard, the browser's command line) can finish this sign-in
 * with their own account (login CSRF), so the window is as short as a real sign-in allows: a password
 * manager, a second factor, a consent screen. Five minutes is also mod_auth_openidc's default for
 * the same interval (OIDCStateTimeout 300 s: "the authorization request and the corresponding
 * response need to be completed"). A slower person presses Sign in again, one click, and the
 * provider's own session usually carries the second attempt through at once.
 */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/**
 * RFC 6749 §5.1 makes `expires_in` only RECOMMENDED. Without it, assume a short life so that the
 * session renews (and so re-validates) soon rather than trusting a token for hours.
 */
export const ASSUMED_LIFETIME_SECONDS = 300;

/**
 * The app's TokenSet from a token endpoint response, exactly as the provider sent it: what a refresh
 * carries over from the previous tokens is the session's rule (main/session/session-record.ts).
 */
export function toTokenSet(response: oidc.TokenEndpointResponse, now: number): TokenSet {
  const lifetime =
    typeof response.expires_in === 'number' &&
    Number.isFinite(response.expires_in) &&
    response.expires_in >= 0
      ? response.expires_in
      : ASSUMED_LIFETIME_SECONDS;
  return {
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
    expiresAt: now + lifetime * 1000,
    ...(response.scope ? { scope: response.scope } : {}),
    tokenType: response.token_type,
  };
}

/** Settles with `work`, or rejects LOGIN_CANCELLED as soon as `signal` aborts (the work is then ignored). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) throw loginCancelled();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(loginCancelled());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * toAuthError with what the provider sent when it sent no OAuth error JSON (its status and a short,
 * sanitised excerpt of the body), with the request's own `secrets` cut out of that excerpt.
 */
async function providerFailure(
  error: unknown,
  operation: AuthOperation,
  secrets: readonly string[] = [],
): Promise<LatchkeyError> {
  return toAuthError(error, operation, await answerExcerpt(error, secrets));
}

interface AttemptSecrets {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/**
 * The authorization request's `prompt`: a space-separated list (OIDC Core §3.1.2.1), so the reasons
 * combine instead of one replacing another.
 * - `consent` when asking for offline_access: OIDC Core §11 says a provider must then see consent in
 *   the prompt, and standard providers otherwise drop offline_access (ProviderSettings.offlineAccessPrompt).
 * - "Use a different account": `select_account` (§3.1.2.1: "prompt the End-User to select a user
 *   account") where discovery's prompt_values_supported lists it, else `login` (§3.1.2.1: "SHOULD
 *   prompt the End-User for reauthentication"), which every provider following Core knows; a provider
 *   may refuse a value it does not support, so select_account is sent only where it is listed.
 */
export function promptValues(
  settings: Pick<ProviderSettings, 'offlineAccessPrompt' | 'scopes'>,
  metadata: object,
  chooseAccount: boolean,
): string | undefined {
  const values: string[] = [];
  if (chooseAccount) {
    const supported = (metadata as { prompt_values_supported?: unknown }).prompt_values_supported;
    const listed: unknown[] = Array.isArray(supported) ? supported : [];
    values.push(listed.includes('select_account') ? 'select_account' : 'login');
  }
  if (settings.offlineAccessPrompt !== false && settings.scopes.includes('offline_access'))
    values.push('consent');
  return values.length > 0 ? values.join(' ') : undefined;
}

export function createAuthClient(settings: ProviderSettings, deps: AuthClientDeps = {}): AuthClient {
  const now = deps.now ?? Date.now;
  const httpTimeoutMs = deps.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  let configuration: Promise<oidc.Configuration> | undefined;
  /** The configuration once settled: what knownMetadata() reports. */
  let settled: oidc.Configuration | undefined;
  /** True while running on metadata saved by an earlier run rather than discovered in this one. */
  let onSavedMetadata = false;

  async function loadConfiguration(): Promise<oidc.Configuration> {
    if (!settings.clientId.trim()) throw new LatchkeyError('CONFIG_INVALID', 'The client id is empty.');
    const { url, allowInsecureRequests } = issuerTransport(settings.issuer);
    const options: oidc.DiscoveryRequestOptions = {
      execute: allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
      // openid-client counts in seconds; applies to discovery and every later request of this configuration.
      timeout: httpTimeoutMs / 1000,
    };
    const injected = deps.fetch;
    if (injected) options[oidc.customFetch] = (input, init) => injected(input, init as RequestInit);
    let discovered: oidc.Configuration;
    try {
      // A public native client (RFC 8252 §8.4): no client secret exists, so no client authentication.
      // discovery() checks that the document names exactly this issuer (OIDC Discovery §4.3).
      discovered = await oidc.discovery(url, settings.clientId, undefined, oidc.None(), options);
    } catch (error) {
      throw await providerFailure(error, 'discovery');
    }
    // allowInsecureRequests (loopback issuer) covers the whole configuration: each endpoint is held
    // to the transport rule here instead, before any token can travel to one.
    const problem = discoveredEndpointProblem(discovered.serverMetadata());
    if (problem) {
      throw new LatchkeyError(
        'PROVIDER_ERROR',
        `The provider's discovery document cannot be used: ${problem}. Only https endpoints are allowed, or http on this computer.`,
      );
    }
    return discovered;
  }

  /** One discovery per run, shared by concurrent callers; a failure is not cached, so the next call retries. */
  function discoverConfiguration(): Promise<oidc.Configuration> {
    if (!configuration) {
      const pending = loadConfiguration();
      configuration = pending;
      pending.then(
        (config) => {
          if (configuration === pending) settled = config;
        },
        () => {
          if (configuration === pending) configuration = undefined;
        },
      );
    }
    return configuration;
  }

  /**
   * Runs one provider call. When it fails on metadata saved by an earlier run, that copy may be stale
   * (an endpoint moved; the trimmed copy lacks id_token_signing_alg_values_supported, so openid-client
   * assumes RS256): it is dropped, so the next call discovers afresh and knownMetadata() stops offering
   * it for saving. Without this, a restored session would retry the stale endpoints for the whole run
   * (discovery otherwise re-runs only after a successful validation) and on every later launch. A
   * refused grant or a refused access token is the provider's answer through working endpoints, not
   * a sign of staleness.
   */
  async function onProvider<T>(call: (config: oidc.Configuration) => Promise<T>): Promise<T> {
    const config = await discoverConfiguration();
    try {
      return await call(config);
    } catch (error) {
      const answered =
        isLatchkeyError(error, 'SESSION_EXPIRED') || isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED');
      if (onSavedMetadata && settled === config && !answered) {
        onSavedMetadata = false;
        settled = undefined;
        configuration = undefined;
      }
      throw error;
    }
  }

  /** A configuration from saved metadata, with the same transport rules as a discovered one. */
  function configurationFromSaved(metadata: ProviderMetadata): oidc.Configuration {
    const { allowInsecureRequests } = issuerTransport(settings.issuer);
    const config = new oidc.Configuration({ ...metadata }, settings.clientId, undefined, oidc.None());
    if (allowInsecureRequests) oidc.allowInsecureRequests(config);
    config.timeout = httpTimeoutMs / 1000;
    const injected = deps.fetch;
    if (injected) config[oidc.customFetch] = (input, init) => injected(input, init as RequestInit);
    return config;
  }

  /** The code exchange with every check on; the ID token's subject is required. */
  async function exchangeCode(
    config: oidc.Configuration,
    callbackUrl: URL,
    secrets: AttemptSecrets,
  ): Promise<AuthorizationResult> {
    const params = callbackUrl.searchParams;
    if (!params.has('error') && !params.get('code')) {
      throw new LatchkeyError(
        'LOGIN_REJECTED',
        'The browser came back without an authorization code. Please try again.',
      );
    }
    const requestedAt = now();
    let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      // Every check on (RFC 9700 §2.1): PKCE (RFC 7636 §4.5), state (RFC 6749 §10.12), the `iss`
      // response parameter when the provider sends or advertises it (RFC 9207 §2.4), the ID token's
      // nonce, iss, aud, exp and iat (OIDC Core §3.1.3.7). An error response is raised here too,
      // after the state and iss checks, and makes no token request.
      response = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: secrets.state,
        expectedNonce: secrets.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      const code = params.get('code') ?? '';
      throw await providerFailure(error, 'codeExchange', [code, secrets.codeVerifier]);
    }
    const subject = response.claims()?.sub;
    if (!subject) throw new LatchkeyError('PROVIDER_ERROR', 'The provider sent no ID token subject.');
    return { tokens: toTokenSet(response, requestedAt), subject };
  }

  async function completeSignIn(
    config: oidc.Configuration,
    callbackUrl: URL,
    secrets: AttemptSecrets,
  ): Promise<SignInResult> {
    const { tokens, subject } = await exchangeCode(config, callbackUrl, secrets);
    const claims = await fetchClaims(config, tokens.accessToken, subject);
    return { tokens, subject, claims };
  }

  async function fetchClaims(
    config: oidc.Configuration,
    accessToken: string,
    expectedSubject: string,
  ): Promise<UserInfoClaims> {
    try {
      // OIDC Core §5.3.2: the userinfo `sub` must equal the ID token's; openid-client enforces it.
      return (await oidc.fetchUserInfo(config, accessToken, expectedSubject)) as UserInfoClaims;
    } catch (error) {
      throw await providerFailure(error, 'userinfo', [accessToken]);
    }
  }

  /**
   * RFC 7009, through the strongest token the grant holds: the refresh token when there is one
   * (§2.1: revoking it also invalidates the grant's access tokens where the provider supports that),
   * else the access token. Not sent where the provider's discovery says it cannot work for a public
   * client (revocationSupport); every outcome is returned, never thrown.
   */
  async function revokeGrant(
    tokens: Pick<TokenSet, 'accessToken' | 'refreshToken'>,
  ): Promise<RevocationOutcome> {
    // Auth0's /oauth/revoke "only revokes refresh tokens. Access tokens cannot be revoked"
    // (https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token): an
    // access token sent there would be a bearer credential handed over for nothing.
    if (settings.auth0 && !tokens.refreshToken) return { revoked: false, reason: 'noRefreshToken' };
    const [token, hint] = tokens.refreshToken
      ? [tokens.refreshToken, 'refresh_token']
      : [tokens.accessToken, 'access_token'];
    try {
      return await onProvider(async (config): Promise<RevocationOutcome> => {
        switch (revocationSupport(config.serverMetadata())) {
          case 'notOffered':
            return { revoked: false, reason: 'noEndpoint' };
          case 'confidentialOnly':
            return { revoked: false, reason: 'publicClientsNotAllowed' };
          default:
            break;
        }
        try {
          await oidc.tokenRevocation(config, token, { token_type_hint: hint });
        } catch (error) {
          throw await providerFailure(error, 'revoke', [token]);
        }
        return { revoked: true };
      });
    } catch (error) {
      return { revoked: false, reason: 'failed', error: toAuthError(error, 'revoke') };
    }
  }

  /**
   * A cancel that lands while the code exchange is in flight drops its result; the provider has
   * issued a grant all the same. Revoke it once it arrives (RFC 7009 §2.1; the refresh token takes
   * the grant's access tokens with it where the provider supports that), so no unused grant stays alive.
   */
  function revokeAbandoned(exchange: Promise<AuthorizationResult>): void {
    exchange.then(({ tokens }) => revokeGrant(tokens)).catch(() => undefined);
  }

  /**
   * One browser round trip: fresh secrets, the loopback receiver, the authorization URL to the system
   * browser, the code exchange (`complete`), the browser told how it ended.
   */
  async function runAuthorization<T extends AuthorizationResult>(
    options: SignInOptions,
    /** `prompt` is worked out from the provider's discovery document (promptValues). */
    request: { scope: string; audience?: string; prompt?: (metadata: object) => string | undefined },
    complete: (config: oidc.Configuration, callbackUrl: URL, secrets: AttemptSecrets) => Promise<T>,
  ): Promise<T> {
    const { signal } = options;
    const config = await untilAborted(discoverConfiguration(), signal);

    // Fresh secrets per attempt: RFC 7636 §4.1 (verifier), RFC 6749 §10.12 (state), OIDC Core §3.1.2.1 (nonce).
    const secrets: AttemptSecrets = {
      codeVerifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    };
    const codeChallenge = await oidc.calculatePKCECodeChallenge(secrets.codeVerifier);

    const receiver = await startLoopbackReceiver({
      expectedState: secrets.state,
      // The settings' fixed ports in order, else an ephemeral one (RFC 8252 §7.3).
      ports: settings.redirectPorts ?? [],
      timeoutMs: options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
      signal,
    });
    try {
      const parameters: Record<string, string> = {
        redirect_uri: receiver.redirectUri,
        scope: request.scope,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        state: secrets.state,
        nonce: secrets.nonce,
      };
      const prompt = request.prompt?.(config.serverMetadata());
      if (prompt) parameters.prompt = prompt;
      // Auth0 issues an access token for an API (its own Management API, or the person's) only when
      // asked with `audience`.
      if (request.audience) parameters.audience = request.audience;
      const authorizationUrl = oidc.buildAuthorizationUrl(config, parameters).href;
      options.onAuthorizationUrl?.(authorizationUrl);
      options.onPastedCallbackEntry?.((pasted) => receiver.submitPasted(pasted));

      // The system browser, never an embedded view (RFC 8252 §8.12). Not awaited before listening:
      // the browser may come back before openExternal resolves. A failure does not end the attempt;
      // the app still offers the link (onAuthorizationUrl).
      Promise.resolve()
        .then(() => options.openExternal(authorizationUrl))
        .catch((error: unknown) => options.onOpenExternalError?.(error));

      const callbackUrl = await receiver.callback;
      const exchange = complete(config, callbackUrl, secrets);
      let result: T;
      try {
        result = await untilAborted(exchange, signal);
      } catch (error) {
        if (signal?.aborted) revokeAbandoned(exchange);
        const failure = toAuthError(error, 'codeExchange');
        await receiver.finish({ ok: false, message: failure.message });
        throw failure;
      }
      await receiver.finish({ ok: true });
      return result;
    } catch (error) {
      throw toAuthError(error, 'authorization');
    } finally {
      await receiver.close();
    }
  }

  function signIn(options: SignInOptions): Promise<SignInResult> {
    return runAuthorization(
      options,
      {
        scope: settings.scopes.join(' '),
        ...(settings.audience ? { audience: settings.audience } : {}),
        prompt: (metadata) => promptValues(settings, metadata, options.chooseAccount === true),
      },
      completeSignIn,
    );
  }

  function authorize(
    options: SignInOptions & { audience: string; scope: string },
  ): Promise<AuthorizationResult> {
    // No prompt: prompt=none is refused by Auth0 for loopback callbacks once its confirmation prompt
    // is on (https://auth0.com/docs/troubleshoot/product-lifecycle/deprecations-and-migrations/migrate-to-non-verifiable-callback-uri-end-user-confirmation),
    // and prompt=consent would add a screen; the browser's session usually answers with one click.
    return runAuthorization(options, { scope: options.scope, audience: options.audience }, exchangeCode);
  }

  return {
    settings,

    async discover() {
      if (onSavedMetadata) {
        // Refresh what an earlier run saved; until this settles, calls keep using the saved copy.
        const fresh = await loadConfiguration();
        onSavedMetadata = false;
        settled = fresh;
        configuration = Promise.resolve(fresh);
        return;
      }
      await discoverConfiguration();
    },

    useSavedMetadata(metadata: ProviderMetadata) {
      // Discovery already ran or runs in this process: what it finds is fresher than a saved copy.
      if (configuration) return;
      // Other programs of the same user can write the keychain: a copy naming this issuer is used
      // only when every endpoint in it is on the issuer's own origin and passes the transport rule.
      // Otherwise the first call discovers (one request) and uses what the provider itself lists,
      // so no token is ever sent to an endpoint that only the keychain vouches for.
      if (savedEndpointsProblem(metadata, settings.issuer) !== undefined) return;
      const config = configurationFromSaved(metadata);
      settled = config;
      onSavedMetadata = true;
      configuration = Promise.resolve(config);
    },

    knownMetadata() {
      return settled ? trimProviderMetadata(settled.serverMetadata()) : null;
    },

    signIn,
    authorize,

    async refresh(refreshToken: string, expectedSubject?: string): Promise<TokenSet> {
      return onProvider(async (config) => {
        const requestedAt = now();
        let response: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
        try {
          // RFC 6749 §6. With rotation (RFC 9700 §4.14.2) the response carries a new refresh token and
          // the old one dies; without, the session keeps the one just used.
          response = await oidc.refreshTokenGrant(config, refreshToken);
        } catch (error) {
          throw await providerFailure(error, 'refresh', [refreshToken]);
        }
        // OIDC Core §12.2: an ID token from a refresh must name the same person as the original.
        const subject = response.claims()?.sub;
        if (expectedSubject !== undefined && subject !== undefined && subject !== expectedSubject) {
          throw new LatchkeyError(
            'PROVIDER_ERROR',
            'The provider renewed the session for a different account. Sign out and sign in again.',
          );
        }
        return toTokenSet(response, requestedAt);
      });
    },

    async userinfo(accessToken: string, expectedSubject: string): Promise<UserInfoClaims> {
      return onProvider((config) => fetchClaims(config, accessToken, expectedSubject));
    },

    revokeGrant,

    async endSessionUrl(options: { idTokenHint?: string; postLogoutRedirectUri?: string }): Promise<string> {
      const config = await discoverConfiguration();
      const metadata = config.serverMetadata();
      // On Auth0 the browser comes back to a short-lived page of Latchkey's own on a fixed port
      // (registered under Allowed Logout URLs), rather than wherever Auth0 would send it.
      if (settings.auth0 && !options.postLogoutRedirectUri) {
        const returnTo = await serveSignedOutPage(settings.redirectPorts ?? []);
        if (returnTo) options = { ...options, postLogoutRedirectUri: returnTo };
      }
      if (metadata.end_session_endpoint) {
        // OIDC RP-Initiated Logout 1.0 §2: client_id is added by openid-client.
        const parameters: Record<string, string> = {};
        if (options.idTokenHint) parameters.id_token_hint = options.idTokenHint;
        if (options.postLogoutRedirectUri)
          parameters.post_logout_redirect_uri = options.postLogoutRedirectUri;
        try {
          return oidc.buildEndSessionUrl(config, parameters).href;
        } catch (error) {
          throw toAuthError(error, 'discovery');
        }
      }
      if (settings.auth0 || looksLikeAuth0(metadata)) {
        return auth0LogoutUrl(metadata.issuer, settings.clientId, options.postLogoutRedirectUri);
      }
      throw new LatchkeyError(
        'NOT_SUPPORTED',
        'The provider does not offer a way to end its browser session.',
      );
    },
  };
}
