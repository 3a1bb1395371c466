import type { AuthClient, TokenSet } from './types';

/**
 * Revokes a grant through the strongest token it holds: the refresh token when there is one (RFC 7009
 * §2.1: revoking it also invalidates the grant's access tokens where the provider supports that),
 * else the access token. Used by sign-out and by every path that drops tokens nobody will use.
 */
export function revokeGrant(auth: Pick<AuthClient, 'revoke'>, tokens: TokenSet): Promise<void> {
  return tokens.refreshToken
    ? auth.revoke(tokens.refreshToken, 'refresh_token')
    : auth.revoke(tokens.accessToken, 'access_token');
}
