import { obtainTokens } from '../tests/fixtures/idp-login';
import type { SeedSession } from './contender';
import type { IdpProcess } from './idp-process';

/**
 * A real session from the provider for the benchmark's setup: the login form driven with fetch
 * (tests/fixtures/idp-login.ts), the code exchanged, the profile read from userinfo. Call it inside
 * `proxy.quietly` so that none of it counts as the app's requests.
 */
export async function freshSession(idp: IdpProcess, login: string): Promise<SeedSession> {
  const tokens = await obtainTokens(idp, login);
  if (!tokens.refresh_token) throw new Error('bench: the provider issued no refresh token');
  const response = await fetch(`${idp.issuer}/me`, {
    headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`bench: userinfo answered HTTP ${response.status} during setup`);
  const claims = (await response.json()) as SeedSession['claims'];
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    expiresIn: tokens.expires_in,
    scope: tokens.scope,
    tokenType: tokens.token_type,
    subject: claims.sub,
    claims,
  };
}

/** How long the provider's access tokens live (its default; passed to it explicitly). */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/**
 * Refresh tokens (and so grants) outlive every jump of the provider's clock in one benchmark run:
 * the heap scenario alone moves it forward by an hour per cycle.
 */
export const REFRESH_TOKEN_TTL_SECONDS = 400 * 24 * 3600;

/**
 * Every access token issued so far runs out at the provider: its clock moves past their lifetime
 * (provider-clock.ts). Refresh tokens stay good. The app's own clock is moved separately
 * (RunningApp.passExpiry).
 */
export async function expireProviderAccessTokens(idp: IdpProcess): Promise<void> {
  await idp.advanceClock(ACCESS_TOKEN_TTL_SECONDS + 60);
}
