import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { KoaContextWithOIDC, KoaMiddleware } from 'oidc-provider';

/**
 * Auth0's Management API as Auth0 runs it, for the strict Auth0 mode (idp/behaviour.ts
 * `managementApi: 'auth0'`):
 *
 * - a token asked for with `audience=<Management API identifier>` is a JWT signed RS256 ("Access
 *   tokens issued for the Management API ... follow the JWT standard",
 *   https://auth0.com/docs/secure/tokens/access-tokens; the recorded Management API resource server
 *   has `signing_alg: RS256`), carrying the Management API and /userinfo audiences, its scopes and
 *   its subject;
 * - no refresh token comes with it: the Management API's Allow Offline Access is off and cannot be
 *   changed (https://auth0.com/docs/get-started/apis/api-settings; recorded `allow_offline_access:
 *   false`), and a refresh token is issued only for an API that allows offline access
 *   (https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens);
 * - it cannot be revoked ("Once issued, an access token cannot be revoked",
 *   https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens): it stays valid
 *   until it expires, whatever happens to the grant.
 *
 * The users API (idp/users-api.ts) judges every bearer token with `judge`: another audience is
 * `401 Bad audience: <aud>` (as node-auth0#787 quotes Auth0), an expired one `401 Expired token
 * received for JSON Web Token validation`, a broken one `401 Invalid token`.
 */
export interface ManagementTokens {
  /** Rewrites token responses for the Management API audience (and remembers other audiences). */
  middleware: KoaMiddleware;
  judge(bearer: string): Promise<ManagementCaller | ManagementRefusal>;
}

export interface ManagementCaller {
  kind: 'caller';
  sub: string;
  scopes: Set<string>;
}

export interface ManagementRefusal {
  kind: 'refused';
  message: string;
}

export interface ManagementTokenOptions {
  /** With its trailing slash, as Auth0's. */
  issuer: string;
  /** The Management API identifier: `${issuer}api/v2/` (the tenant's own domain in Auth0). */
  audience: string;
  clientId: string;
  /** The opaque access tokens of other audiences: what the users API answers for them. */
  findOpaque(token: string): Promise<{ accountId: string; isExpired: boolean } | undefined>;
  now?: () => number;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function jsonPart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function words(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

export function createManagementTokens(options: ManagementTokenOptions): ManagementTokens {
  const { issuer, audience, clientId } = options;
  const now = options.now ?? Date.now;
  const userinfoAudience = `${issuer}userinfo`;
  // The tenant's signing key (a fresh one per run, as the provider's own).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(16).toString('base64url');
  /** Authorization codes issued for an `audience`, until exchanged. */
  const codeAudience = new Map<string, string>();
  /** Opaque tokens (access and refresh) of a custom API audience: what they were asked for. */
  const tokenAudience = new Map<string, string>();

  function sign(payload: Record<string, unknown>, key: KeyObject): string {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const body = base64url(JSON.stringify(payload));
    const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(key);
    return `${header}.${body}.${base64url(signature)}`;
  }

  function mint(sub: string, scope: string, lifetimeSeconds: number): string {
    const issuedAt = Math.floor(now() / 1000);
    return sign(
      {
        iss: issuer,
        sub,
        aud: [audience, userinfoAudience],
        iat: issuedAt,
        exp: issuedAt + lifetimeSeconds,
        jti: randomBytes(16).toString('base64url'),
        scope,
        azp: clientId,
      },
      privateKey,
    );
  }

  const middleware: KoaMiddleware = async (ctx: KoaContextWithOIDC, next) => {
    await next();
    // Revoking one of these JWTs: Auth0 answers 200 to any token it does not revoke
    // (the Authentication API description of /oauth/revoke, https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token:
    // "Token revoked successfully (or
    // token was already invalid/revoked)"); oidc-provider refuses structured tokens outright.
    if (
      ctx.method === 'POST' &&
      ctx.path === '/token/revocation' &&
      ctx.status === 400 &&
      (ctx.body as { error?: unknown } | undefined)?.error === 'unsupported_token_type'
    ) {
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    // The authorization's answer: remember which audience its code was for.
    if (ctx.method === 'GET' && ctx.path.startsWith('/auth') && ctx.status >= 300 && ctx.status < 400) {
      const asked = ctx.oidc?.params?.audience;
      const location = ctx.response.get('location');
      if (typeof asked === 'string' && location) {
        const code = new URL(location, 'http://idp.invalid').searchParams.get('code');
        if (code) codeAudience.set(code, asked);
      }
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 200) return;
    const params = ctx.oidc?.params ?? {};
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.access_token !== 'string') return;
    let asked: string | undefined;
    if (params.grant_type === 'authorization_code' && typeof params.code === 'string') {
      asked = codeAudience.get(params.code);
      codeAudience.delete(params.code);
    } else if (params.grant_type === 'refresh_token' && typeof params.refresh_token === 'string') {
      asked = tokenAudience.get(params.refresh_token);
    }
    if (asked === audience) {
      const sub = jsonPart(String(body.id_token ?? '').split('.')[1])?.sub;
      if (typeof sub !== 'string') return;
      const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 86_400;
      const { refresh_token: _none, ...rest } = body;
      ctx.body = { ...rest, access_token: mint(sub, String(body.scope ?? ''), lifetime) };
      return;
    }
    if (asked) {
      tokenAudience.set(body.access_token, asked);
      if (typeof body.refresh_token === 'string') tokenAudience.set(body.refresh_token, asked);
    }
  };

  async function judge(bearer: string): Promise<ManagementCaller | ManagementRefusal> {
    const parts = bearer.split('.');
    if (parts.length !== 3) {
      // An opaque token: for /userinfo (no audience) or the person's own API.
      const opaque = await options.findOpaque(bearer);
      if (!opaque) return { kind: 'refused', message: 'Invalid token' };
      return { kind: 'refused', message: `Bad audience: ${tokenAudience.get(bearer) ?? userinfoAudience}` };
    }
    const [header, body, signature] = parts as [string, string, string];
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${body}`)
      .verify(publicKey, Buffer.from(signature, 'base64url'));
    const payload = jsonPart(body);
    if (!valid || !payload || jsonPart(header)?.alg !== 'RS256')
      return { kind: 'refused', message: 'Invalid token' };
    const audiences = Array.isArray(payload.aud) ? payload.aud.map(String) : [String(payload.aud)];
    if (!audiences.includes(audience))
      return { kind: 'refused', message: `Bad audience: ${audiences.join(' ')}` };
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now())
      return { kind: 'refused', message: 'Expired token received for JSON Web Token validation' };
    if (typeof payload.sub !== 'string') return { kind: 'refused', message: 'Invalid token' };
    return { kind: 'caller', sub: payload.sub, scopes: new Set(words(payload.scope)) };
  }

  return { middleware, judge };
}
