import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Provider, errors, type KoaContextWithOIDC, type ClientLike } from 'oidc-provider';
import type { AccountRecord } from './accounts.js';
import type { ProviderStore } from './adapter.js';
import { registeredRedirectUris, type ProviderBehaviour } from './behaviour.js';
import type { MetadataStore } from './metadata-store.js';
import { errorPage, logoutPage, signedOutPage } from './pages.js';

/** Scopes of the Auth0-compatible users API (idp/users-api.ts). */
export const API_SCOPES = ['read:current_user', 'update:current_user_metadata'] as const;
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/**
 * Loopback redirect targets. RFC 8252 §7.3: for native clients the port is not compared (unless the
 * behaviour asks for exact redirect URIs, idp/behaviour.ts).
 */
export const REDIRECT_URI = 'http://127.0.0.1/callback';
export const POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1/signed-out';

const DAY = 24 * 60 * 60;

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  accounts: readonly AccountRecord[];
  store: ProviderStore;
  metadata: MetadataStore;
  behaviour: ProviderBehaviour;
  /** The person's own APIs a sign-in may ask for with `audience` (besides the users API). */
  apis: readonly string[];
}

function signingKey(): Record<string, unknown> {
  // A fresh key per run: nothing signed by a previous run (ID tokens) should verify against this one.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `idp-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
}

function toEpochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function createProvider(settings: ProviderSettings): Provider {
  const { issuer, clientId, audience, accounts, store, metadata, behaviour } = settings;
  const apiScopes = new Set<string>(API_SCOPES);

  const provider = new Provider(issuer, {
    adapter: (model: string) => store.adapterFor(model),
    responseTypes: ['code'],
    clients: [
      {
        client_id: clientId,
        client_name: 'Latchkey',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: registeredRedirectUris(behaviour, REDIRECT_URI),
        post_logout_redirect_uris: [POST_LOGOUT_REDIRECT_URI],
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },

    // The API scopes are registered as plain (OIDC) scopes rather than behind a resource indicator.
    // With resourceIndicators, oidc-provider would issue an access token bound to the API audience
    // that userinfo then refuses, so the app would need two tokens. Auth0 issues one token good for
    // both /userinfo and /api/v2 when audience is its Management API; one opaque token carrying the
    // API scopes reproduces that, and users-api.ts checks those scopes itself.
    scopes: [...OIDC_SCOPES, ...API_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'nickname', 'picture', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    // Auth0 puts the profile claims in the ID token too; apps written for it show the profile from
    // the ID token before userinfo answers, so do the same instead of OIDC's access-token-only form.
    conformIdTokenClaims: false,

    extraParams: {
      // Auth0's `audience` authorization parameter. Only the users API is known here; any other
      // value is refused the way Auth0 refuses an unknown API. Without it, API scopes are dropped
      // silently, as Auth0 drops scopes for an API that was not asked for.
      audience: async (ctx: KoaContextWithOIDC, value: unknown) => {
        const params = ctx.oidc.params ?? {};
        const ownApi = typeof value === 'string' && settings.apis.includes(value);
        if (value !== undefined && value !== audience && !ownApi) {
          throw new errors.AccessDenied(`Service not found: ${String(value)}`);
        }
        // The users API's scopes belong to it: dropped without it, and for any other API.
        if ((value === undefined || ownApi) && typeof params.scope === 'string') {
          const kept = params.scope.split(' ').filter((scope) => !apiScopes.has(scope));
          params.scope = kept.length ? kept.join(' ') : undefined;
        }
      },
    },

    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const account = accounts.find((candidate) => candidate.sub === sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({
          sub: account.sub,
          name: account.name,
          given_name: account.given_name,
          family_name: account.family_name,
          nickname: account.login,
          picture: account.picture,
          updated_at: toEpochSeconds(metadata.get(account.sub)?.updated_at ?? account.created_at),
          email: account.email,
          email_verified: account.email_verified,
        }),
      };
    },

    // Provider and clients share one machine clock; the default 15 s of tolerance would keep an
    // expired access token working at userinfo while the users API (strict) refused it.
    clockTolerance: 0,
    pkce: { required: () => true },
    // oidc-provider's own rule: a refresh token only for a granted offline_access (which, by OIDC Core
    // §11, needs prompt=consent unless the `auth0` offline-access behaviour keeps it). The
    // `session-bound` behaviour issues one anyway; oidc-provider then binds it to the browser session
    // (its default expiresWithSession: no offline_access), so any logout there ends it.
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: ClientLike, code: { scopes: Set<string> }) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || behaviour.offlineAccess === 'session-bound'),
    // Rotate on every use; a rotated-out token then fails with invalid_grant and, per RFC 9700
    // §4.14.2, oidc-provider also revokes the whole grant as a suspected replay.
    rotateRefreshToken: true,

    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Interaction: 3600,
      Session: 14 * DAY,
      // A grant that died before its refresh tokens would turn every refresh into invalid_grant.
      Grant: Math.max(14 * DAY, settings.refreshTokenTtlSeconds),
    },

    features: {
      devInteractions: { enabled: false },
      revocation: {
        // The `none` revocation behaviour: no endpoint, and none in discovery.
        enabled: behaviour.revocation !== 'none',
        // A client may revoke only its own tokens. For a public client a foreign token is ignored
        // silently (RFC 7009 §2.2 answers 200 either way) rather than confirming that it exists.
        // Auth0 revokes refresh tokens only ("Access tokens cannot be revoked",
        // https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token): an access token sent there is a 200 that
        // changes nothing (`managementApi: 'auth0'`).
        allowedPolicy: async (
          _ctx: KoaContextWithOIDC,
          client: ClientLike,
          token: { clientId: string; kind?: string },
        ) =>
          token.clientId === client.clientId &&
          !(behaviour.managementApi === 'auth0' && token.kind === 'AccessToken'),
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(ctx.host, form);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = signedOutPage(ctx.oidc.client?.clientName);
        },
      },
    },
    // The desktop app calls the provider from its main process, never from a web origin.
    clientBasedCORS: () => false,
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  });

  provider.on('server_error', (_ctx: unknown, error: unknown) => {
    console.error('idp: oidc-provider server_error:', error);
  });

  return provider;
}
