import type { ServerMetadata } from 'openid-client';
import { isSecureTransport } from '../transport';
import type { ProviderMetadata } from './types';

/**
 * What Latchkey takes from the provider's discovery document (OIDC Discovery 1.0, RFC 8414): the
 * endpoints it calls, trimmed for saving with the session, and the signs of an Auth0 tenant, whose
 * browser logout lives at its own /v2/logout when it advertises no end_session_endpoint.
 */

/** The URLs of a discovery document that Latchkey requests or hands to the browser. */
const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
  'jwks_uri',
  'mfa_challenge_endpoint',
] as const;

type EndpointField = (typeof ENDPOINT_FIELDS)[number];
type EndpointFields = { issuer: string } & Partial<Record<EndpointField, unknown>>;

/**
 * The first endpoint of a discovered document that breaks the one transport rule (main/transport.ts:
 * https, or http to this computer), in words, or undefined. openid-client's `allowInsecureRequests`,
 * which an http loopback issuer needs, applies to a whole configuration: without this check, that
 * issuer's document could send refresh tokens in clear text to any host (RFC 9700 §2.6; RFC 8252 §8.3
 * relaxes TLS for loopback only). Endpoints on other https origins are fine: real providers put them
 * there (Google's userinfo on openidconnect.googleapis.com, Microsoft's on graph.microsoft.com).
 */
export function discoveredEndpointProblem(metadata: EndpointFields): string | undefined {
  for (const field of ENDPOINT_FIELDS) {
    const problem = endpointUrlProblem(field, metadata[field]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why endpoints saved with a session (the keychain record) may not be used without a discovery, or
 * undefined when they may. They must name this issuer, pass the transport rule, and each live on the
 * issuer's own origin: the keychain is readable and writable by other programs of the same user, so
 * a record naming the right issuer could otherwise send the refresh token to any host. Endpoints on
 * other origins are confirmed only by a real discovery, which the caller runs instead (one request).
 */
export function savedEndpointsProblem(metadata: EndpointFields, issuer: string): string | undefined {
  if (metadata.issuer.replace(/\/$/, '') !== issuer.replace(/\/$/, '')) return 'they name another issuer';
  const issuerOrigin = new URL(issuer).origin;
  for (const field of ENDPOINT_FIELDS) {
    const value = metadata[field];
    const problem = endpointUrlProblem(field, value);
    if (problem) return problem;
    if (typeof value === 'string' && new URL(value).origin !== issuerOrigin) {
      return `${field} is not on the issuer's origin ${issuerOrigin}`;
    }
  }
  return undefined;
}

function endpointUrlProblem(field: EndpointField, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return `${field} is not a URL`;
  }
  if (url.username || url.password) return `${field} carries a user name or password`;
  if (!isSecureTransport(url)) {
    return `${field} (${url.origin}) is neither https nor http to this computer`;
  }
  return undefined;
}

/**
 * Keeps only the discovery fields Latchkey calls, so that what is saved with the session stays small
 * (Windows caps a keychain item at 2560 bytes) and holds nothing the app would not use.
 */
export function trimProviderMetadata(server: ServerMetadata): ProviderMetadata {
  const trimmed: ProviderMetadata = { issuer: server.issuer };
  for (const field of ENDPOINT_FIELDS) {
    const value = server[field];
    if (typeof value === 'string') trimmed[field] = value;
  }
  const challengeMethods = stringList(server.code_challenge_methods_supported);
  if (challengeMethods) trimmed.code_challenge_methods_supported = challengeMethods;
  const signingAlgorithms = stringList(server.id_token_signing_alg_values_supported);
  if (signingAlgorithms) trimmed.id_token_signing_alg_values_supported = signingAlgorithms;
  const revocationMethods = stringList(server.revocation_endpoint_auth_methods_supported);
  if (revocationMethods) trimmed.revocation_endpoint_auth_methods_supported = revocationMethods;
  if (typeof server.authorization_response_iss_parameter_supported === 'boolean')
    trimmed.authorization_response_iss_parameter_supported =
      server.authorization_response_iss_parameter_supported;
  return trimmed;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/**
 * Whether the provider lets a public client such as Latchkey revoke its tokens (RFC 7009), as its
 * discovery document says:
 * - `notOffered`: no revocation_endpoint;
 * - `confidentialOnly`: revocation_endpoint_auth_methods_supported (RFC 8414 §2) is given and lacks
 *   "none": the provider wants client authentication Latchkey does not have (RFC 8252 §8.4), and
 *   would refuse the request, so it is not sent;
 * - `publicClients`: the list holds "none";
 * - `notAdvertised`: the list is absent. RFC 8414 §2 makes "client_secret_basic" the default then,
 *   but Auth0 publishes no such list while documenting revocation for native apps without a secret
 *   (https://auth0.com/docs/api/authentication/revoke-refresh-token/revoke-refresh-token), so
 *   Latchkey tries, and reports what the provider answers.
 */
export type RevocationSupport = 'notOffered' | 'confidentialOnly' | 'publicClients' | 'notAdvertised';

export function revocationSupport(metadata: {
  revocation_endpoint?: unknown;
  revocation_endpoint_auth_methods_supported?: unknown;
}): RevocationSupport {
  if (typeof metadata.revocation_endpoint !== 'string' || !metadata.revocation_endpoint) return 'notOffered';
  const methods = stringList(metadata.revocation_endpoint_auth_methods_supported);
  if (!methods) return 'notAdvertised';
  return methods.includes('none') ? 'publicClients' : 'confidentialOnly';
}

/**
 * Where to send the browser to end the provider's own session ("sign out everywhere"): OIDC
 * RP-Initiated Logout 1.0 §2 when the provider advertises an end_session_endpoint; Auth0 tenants that
 * do not (the tenant flag "RP-Initiated Logout End Session Endpoint Discovery" is off) have their own
 * /v2/logout endpoint instead.
 */
/** The parts of the discovery document that tell an Auth0 tenant apart. */
interface ProviderMetadataHints {
  issuer: string;
  end_session_endpoint?: string;
  mfa_challenge_endpoint?: unknown;
}

/**
 * Auth0 issuers live on *.auth0.com (tenant.auth0.com, tenant.eu.auth0.com...). A custom domain is
 * recognised by the Auth0-only `mfa_challenge_endpoint` ({issuer}/mfa/challenge) in its discovery document.
 */
export function looksLikeAuth0(metadata: ProviderMetadataHints): boolean {
  let issuer: URL;
  try {
    issuer = new URL(metadata.issuer);
  } catch {
    return false;
  }
  if (issuer.protocol !== 'https:') return false;
  const host = issuer.hostname.toLowerCase();
  if (host.endsWith('.auth0.com')) return true;
  const mfa = metadata.mfa_challenge_endpoint;
  if (typeof mfa !== 'string') return false;
  try {
    const url = new URL(mfa);
    return url.origin === issuer.origin && url.pathname === '/mfa/challenge';
  } catch {
    return false;
  }
}

/**
 * Auth0's /v2/logout (https://auth0.com/docs/api/authentication/logout/auth-0-logout): `client_id`
 * always, so that `returnTo` is checked against the application's Allowed Logout URLs; `returnTo`
 * whenever Latchkey has a page to return to (its endpoint page marks it required; without it Auth0
 * sends the browser to the first Allowed Logout URL).
 */
export function auth0LogoutUrl(issuer: string, clientId: string, returnTo?: string): string {
  const url = new URL('/v2/logout', new URL(issuer).origin);
  url.searchParams.set('client_id', clientId);
  if (returnTo) url.searchParams.set('returnTo', returnTo);
  return url.href;
}
