import type { TokenEndpointResponse } from 'openid-client';
import type { TokenSet } from './types';

/**
 * RFC 6749 §5.1 makes `expires_in` only RECOMMENDED. Without it, assume a short life so that the
 * session layer renews (and so re-validates) soon rather than trusting a token for hours.
 */
export const ASSUMED_LIFETIME_SECONDS = 300;

/**
 * The app's TokenSet from a token endpoint response. On refresh, a provider that does not rotate
 * sends no new refresh token (RFC 6749 §6): the one just used stays valid and is kept.
 */
export function toTokenSet(
  response: TokenEndpointResponse,
  now: number,
  previousRefreshToken?: string,
): TokenSet {
  const lifetime =
    typeof response.expires_in === 'number' &&
    Number.isFinite(response.expires_in) &&
    response.expires_in >= 0
      ? response.expires_in
      : ASSUMED_LIFETIME_SECONDS;
  const refreshToken = response.refresh_token ?? previousRefreshToken;
  return {
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
    expiresAt: now + lifetime * 1000,
    ...(response.scope ? { scope: response.scope } : {}),
    tokenType: response.token_type,
  };
}
