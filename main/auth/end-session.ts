/**
 * Where to send the browser to end the provider's own session ("sign out everywhere").
 * OIDC RP-Initiated Logout 1.0 §2 when the provider advertises an end_session_endpoint; Auth0 tenants
 * that do not (the tenant flag "RP-Initiated Logout End Session Endpoint Discovery" is off) have
 * their own /v2/logout endpoint instead.
 */

/** The parts of the discovery document that tell an Auth0 tenant apart. */
export interface ProviderMetadataHints {
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

/** https://auth0.com/docs/api/authentication#logout: `returnTo` must be in the app's Allowed Logout URLs. */
export function auth0LogoutUrl(issuer: string, clientId: string, returnTo?: string): string {
  const url = new URL('/v2/logout', new URL(issuer).origin);
  url.searchParams.set('client_id', clientId);
  if (returnTo) url.searchParams.set('returnTo', returnTo);
  return url.href;
}
