import type { KoaContextWithOIDC, KoaMiddleware } from 'oidc-provider';

/**
 * How the local provider bends the standard: the one place for it. By default the provider is a
 * standard OpenID provider (oidc-provider's own behaviour: RFC 8252 §7.3 loopback redirects, RFC 7009
 * revocation for public clients, OIDC Core §11 offline access). Each option makes it imitate a
 * pattern that real providers were seen to follow, faithfully (status codes, empty bodies, discovery
 * fields), so that Latchkey's own tests cover what those providers do.
 *
 * Set through `startIdp({ behaviour: { ... } })` (idp/index.ts) or `npm run idp -- --behaviour
 * name=value` (idp/cli.ts); `parseBehaviour` reads the flag form. The strict Auth0 mode
 * (AUTH0_STRICT_BEHAVIOUR, `startIdp({ behaviour: 'auth0-strict' })`, `npm run idp -- --auth0-strict`)
 * is a set of these fields, each imitating what Auth0 documents, inconvenient parts included.
 */
export interface ProviderBehaviour {
  /**
   * How `redirect_uri` is compared with the registered ones.
   * - `loopback-any-port` (default): RFC 8252 §7.3, the port of a loopback redirect is not compared.
   * - `exact`: compared as an exact string with `exactRedirectUris`, as several well-known servers
   *   do by default. An authorization request with any other redirect URI is answered with a bare
   *   `403` (no body, no redirect back to the app): the browser shows an error and the app hears
   *   nothing.
   */
  redirectUris: 'loopback-any-port' | 'exact';
  /** The registered redirect URIs in `exact` mode (default: `http://127.0.0.1:53682/callback`). */
  exactRedirectUris: readonly string[];
  /**
   * How the token endpoint refuses a refresh token that is revoked, expired, rotated away or unknown.
   * - `standard` (default): RFC 6749 §5.2, `400 {"error":"invalid_grant", ...}`.
   * - `bare-400`: `400` with an empty body and no content type.
   * - `invalid_request`: `400 {"error":"invalid_request"}`, with no description.
   * - `auth0`: `403 {"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}`,
   *   Auth0's answer as its SDKs match it (Auth0.swift/Auth0.Android `isInvalidRefreshToken`) and as
   *   real traffic shows it (https://github.com/auth0/Auth0.Android/issues/334).
   */
  refreshRefusal: 'standard' | 'bare-400' | 'invalid_request' | 'auth0';
  /**
   * Token revocation (RFC 7009).
   * - `public-clients` (default): the endpoint is advertised, and a public client revokes with its
   *   client_id alone.
   * - `none`: no `revocation_endpoint` in discovery; the path answers 404.
   * - `confidential-only`: discovery advertises `revocation_endpoint_auth_methods_supported:
   *   ["client_secret_basic"]`, and a revocation request without client credentials gets `401`
   *   with an empty body (the token stays valid).
   */
  revocation: 'public-clients' | 'none' | 'confidential-only';
  /**
   * Consent.
   * - `automatic` (default): given on the person's behalf for everything requested (the only client
   *   is the first-party app).
   * - `partial-allowed`: a consent page lists every requested scope with a checkbox; all but `openid`
   *   can be unticked, and what was unticked is not granted (the token response's `scope` lists
   *   what was, RFC 6749 §5.1).
   * - `auth0`: Auth0's "Authorize App" page (Accept / Decline) on every authorization, after the login
   *   form too, listing the API's permissions when an API is asked for: the confirmation Auth0 shows
   *   for non-verifiable (loopback) callbacks "on each authentication transaction" unless another
   *   screen was shown, and the consent its Management API asks for
   *   (https://auth0.com/docs/secure/security-guidance/measures-against-app-impersonation; recorded
   *   `skip_consent_for_verifiable_first_party_clients: false`). Nothing is partial there.
   */
  consent: 'automatic' | 'partial-allowed' | 'auth0';
  /**
   * Offline access (OIDC Core §11: a client asking for `offline_access` must use `prompt=consent`).
   * - `standard` (default): oidc-provider's own behaviour. `offline_access` is dropped from a request
   *   whose prompt lacks `consent`, and a refresh token is issued only when it was granted; it then
   *   survives the provider's browser logout.
   * - `auth0`: `offline_access` alone is enough, whatever the prompt, as Auth0 documents
   *   (https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens).
   * - `session-bound`: as `standard`, but without `offline_access` a refresh token is issued anyway,
   *   bound to the provider's browser session: it dies with any logout there or when that session
   *   expires (an OpenID Certified provider was seen doing this).
   */
  offlineAccess: 'standard' | 'auth0' | 'session-bound';
  /**
   * The users API's tokens.
   * - `one-token` (default): the token of a sign-in with `audience=<users API>` is good for userinfo
   *   and the users API at once (opaque, with the API scopes), and renews like any other.
   * - `auth0`: as Auth0's Management API (idp/auth0-management.ts): its tokens are RS256 JWTs that
   *   come without a refresh token and cannot be revoked; the users API answers any other token
   *   `401 Bad audience: …`, an expired one `401 Expired token received for JSON Web Token
   *   validation`; metadata keys with `.` or `$` are refused (400); revoking an access token is a
   *   200 that changes nothing; discovery looks like Auth0's (mfa_challenge_endpoint, no
   *   revocation_endpoint_auth_methods_supported).
   */
  managementApi: 'one-token' | 'auth0';
  /**
   * Ending the browser session.
   * - `rp-initiated` (default): OpenID RP-Initiated Logout at end_session_endpoint.
   * - `auth0`: no end_session_endpoint in discovery (Auth0 lists it only with "RP-Initiated Logout
   *   End Session Endpoint Discovery" on); `GET /v2/logout?client_id=…&returnTo=…` ends it, and
   *   refuses a returnTo that is not in `allowedLogoutUrls`
   *   (https://auth0.com/docs/api/authentication/logout/auth-0-logout).
   */
  logout: 'rp-initiated' | 'auth0';
  /** Allowed Logout URLs for `logout: 'auth0'` (default: the signed-out page on 53682 and 53683). */
  allowedLogoutUrls: readonly string[];
  /** `trailing-slash`: the issuer ends with `/`, as Auth0's (`https://{yourDomain}/`). */
  issuer: 'bare' | 'trailing-slash';
}

/** The standard provider. */
export const DEFAULT_BEHAVIOUR: Readonly<ProviderBehaviour> = {
  redirectUris: 'loopback-any-port',
  exactRedirectUris: ['http://127.0.0.1:53682/callback'],
  refreshRefusal: 'standard',
  revocation: 'public-clients',
  consent: 'automatic',
  offlineAccess: 'standard',
  managementApi: 'one-token',
  logout: 'rp-initiated',
  allowedLogoutUrls: ['http://127.0.0.1:53682/signed-out', 'http://127.0.0.1:53683/signed-out'],
  issuer: 'bare',
};

/**
 * Auth0 as it really is, for a Native application with a loopback callback: exact callback URLs
 * (ports included; "Callback URL mismatch" otherwise), offline_access without prompt=consent, the
 * 403 refresh refusal, the "Authorize App" page, the Management API's JWTs without refresh tokens,
 * /v2/logout with an allowed returnTo, and the trailing-slash issuer. idp/README.md lists the sources.
 */
export const AUTH0_STRICT_BEHAVIOUR: Readonly<Partial<ProviderBehaviour>> = {
  redirectUris: 'exact',
  exactRedirectUris: ['http://127.0.0.1:53682/callback', 'http://127.0.0.1:53683/callback'],
  refreshRefusal: 'auth0',
  revocation: 'public-clients',
  consent: 'auth0',
  offlineAccess: 'auth0',
  managementApi: 'auth0',
  logout: 'auth0',
  issuer: 'trailing-slash',
};

/** The values each string option accepts (for validation and the CLI's help). */
export const BEHAVIOUR_CHOICES = {
  redirectUris: ['loopback-any-port', 'exact'],
  refreshRefusal: ['standard', 'bare-400', 'invalid_request', 'auth0'],
  revocation: ['public-clients', 'none', 'confidential-only'],
  consent: ['automatic', 'partial-allowed', 'auth0'],
  offlineAccess: ['standard', 'auth0', 'session-bound'],
  managementApi: ['one-token', 'auth0'],
  logout: ['rp-initiated', 'auth0'],
  issuer: ['bare', 'trailing-slash'],
} as const satisfies Partial<Record<keyof ProviderBehaviour, readonly string[]>>;

type ChoiceField = keyof typeof BEHAVIOUR_CHOICES;

function isChoiceField(name: string): name is ChoiceField {
  return Object.hasOwn(BEHAVIOUR_CHOICES, name);
}

/** The defaults with `partial` over them; throws on a value outside the documented ones. */
export function resolveBehaviour(partial: Partial<ProviderBehaviour> = {}): ProviderBehaviour {
  const behaviour = { ...DEFAULT_BEHAVIOUR, ...partial };
  for (const field of Object.keys(BEHAVIOUR_CHOICES) as ChoiceField[]) {
    const allowed: readonly string[] = BEHAVIOUR_CHOICES[field];
    if (!allowed.includes(behaviour[field])) {
      throw new Error(
        `idp: behaviour ${field} must be one of ${allowed.join(', ')}, got ${String(behaviour[field])}`,
      );
    }
  }
  for (const uri of [...behaviour.exactRedirectUris, ...behaviour.allowedLogoutUrls]) {
    if (!URL.canParse(uri))
      throw new Error(`idp: exactRedirectUris or allowedLogoutUrls has an invalid URL: ${uri}`);
  }
  return {
    ...behaviour,
    exactRedirectUris: [...behaviour.exactRedirectUris],
    allowedLogoutUrls: [...behaviour.allowedLogoutUrls],
  };
}

/**
 * Reads `name=value` pairs (the CLI's `--behaviour` flags). `exactRedirectUris` takes a comma-separated
 * list; a bare port number stands for `http://127.0.0.1:PORT/callback`.
 */
export function parseBehaviour(
  pairs: readonly string[],
  base: Readonly<Partial<ProviderBehaviour>> = {},
): ProviderBehaviour {
  const partial: Record<string, unknown> = { ...base };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    const value = pair.slice(eq + 1);
    if (name === 'exactRedirectUris') {
      partial.exactRedirectUris = value
        .split(',')
        .filter(Boolean)
        .map((entry) => (/^\d+$/.test(entry) ? `http://127.0.0.1:${entry}/callback` : entry));
    } else if (isChoiceField(name)) {
      partial[name] = value;
    } else {
      throw new Error(
        `idp: unknown behaviour "${pair}"; use name=value with a name among ${[...Object.keys(BEHAVIOUR_CHOICES), 'exactRedirectUris'].join(', ')}`,
      );
    }
  }
  return resolveBehaviour(partial as Partial<ProviderBehaviour>);
}

/** The registered redirect URIs of the client. */
export function registeredRedirectUris(behaviour: ProviderBehaviour, loopbackAnyPort: string): string[] {
  return behaviour.redirectUris === 'exact' ? [...behaviour.exactRedirectUris] : [loopbackAnyPort];
}

function words(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

/**
 * Auth0's offline access: `scope=offline_access` alone is enough for a refresh token.
 *
 * oidc-provider follows OIDC Core §11 literally and drops offline_access from any authorization
 * request whose prompt does not include `consent`. Adding `consent` to the prompt costs nothing
 * here: for native clients oidc-provider already runs a consent interaction on every request
 * ("native_client_prompt"). prompt=none is left alone: a silent request cannot consent, so dropping
 * the scope is right. Only GET /auth is rewritten; the app does not use PAR or form-posted requests.
 */
async function keepOfflineAccess(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  if (ctx.method === 'GET' && ctx.path === '/auth') {
    const prompts = words(ctx.query.prompt);
    if (
      words(ctx.query.scope).includes('offline_access') &&
      !prompts.includes('consent') &&
      !prompts.includes('none')
    ) {
      ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
    }
  }
  await next();
}

/** Ends the answer with a status and nothing else: no body, no content type. */
function bareAnswer(ctx: KoaContextWithOIDC, status: number): void {
  ctx.respond = false;
  ctx.res.statusCode = status;
  ctx.res.removeHeader('Content-Type');
  ctx.res.setHeader('Content-Length', '0');
  ctx.res.setHeader('Cache-Control', 'no-store');
  ctx.res.end();
}

function exactRedirects(allowed: readonly string[]): KoaMiddleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/auth') {
      const redirectUri = ctx.query.redirect_uri;
      if (typeof redirectUri === 'string' && !allowed.includes(redirectUri)) {
        bareAnswer(ctx, 403);
        return;
      }
    }
    await next();
  };
}

function refreshRefusal(kind: 'bare-400' | 'invalid_request' | 'auth0'): KoaMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 400) return;
    if ((ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_grant') return;
    if (ctx.oidc?.params?.grant_type !== 'refresh_token') return;
    if (kind === 'bare-400') bareAnswer(ctx, 400);
    else if (kind === 'auth0') {
      ctx.status = 403;
      ctx.body = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
    } else ctx.body = { error: 'invalid_request' };
  };
}

/**
 * Discovery as Auth0's sample shows it (https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery):
 * an mfa_challenge_endpoint, no revocation_endpoint_auth_methods_supported, and (with `logout:
 * 'auth0'`) no end_session_endpoint.
 */
function auth0Discovery(withoutEndSession: boolean): KoaMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'GET' || ctx.path !== '/.well-known/openid-configuration' || ctx.status !== 200)
      return;
    const {
      revocation_endpoint_auth_methods_supported: _methods,
      end_session_endpoint,
      ...rest
    } = ctx.body as Record<string, unknown>;
    const issuer = String(rest.issuer);
    ctx.body = {
      ...rest,
      mfa_challenge_endpoint: `${issuer.replace(/\/$/, '')}/mfa/challenge`,
      ...(withoutEndSession ? {} : { end_session_endpoint }),
    };
  };
}

const CONFIDENTIAL_REVOCATION_METHODS = ['client_secret_basic'];

async function confidentialOnlyRevocation(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  if (
    ctx.method === 'POST' &&
    ctx.path === '/token/revocation' &&
    !/^basic /i.test(ctx.get('authorization'))
  ) {
    bareAnswer(ctx, 401);
    return;
  }
  await next();
  if (ctx.method === 'GET' && ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) {
    ctx.body = {
      ...(ctx.body as Record<string, unknown>),
      revocation_endpoint_auth_methods_supported: CONFIDENTIAL_REVOCATION_METHODS,
    };
  }
}

/** The oidc-provider middleware each option needs, in order. */
export function behaviourMiddleware(behaviour: ProviderBehaviour): KoaMiddleware[] {
  const middleware: KoaMiddleware[] = [];
  if (behaviour.redirectUris === 'exact') middleware.push(exactRedirects(behaviour.exactRedirectUris));
  if (behaviour.offlineAccess === 'auth0') middleware.push(keepOfflineAccess);
  if (behaviour.refreshRefusal !== 'standard') middleware.push(refreshRefusal(behaviour.refreshRefusal));
  if (behaviour.revocation === 'confidential-only') middleware.push(confidentialOnlyRevocation);
  if (behaviour.managementApi === 'auth0') middleware.push(auth0Discovery(behaviour.logout === 'auth0'));
  return middleware;
}
