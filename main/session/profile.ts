import type { Profile } from '../../common/session-state';
import type { UserInfoClaims } from '../auth/types';

/**
 * Maps standard OIDC claims (OpenID Connect Core 1.0 §5.1) to what the renderer may see. Only
 * well-typed values are kept; anything else the provider sends stays out of the profile.
 */
export function profileFromClaims(claims: UserInfoClaims): Profile {
  const profile: Profile = { sub: claims.sub };
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.length > 0 ? value : undefined;
  const name = text(claims.name);
  const givenName = text(claims.given_name);
  const familyName = text(claims.family_name);
  const email = text(claims.email);
  const picture = text(claims.picture);
  if (name !== undefined) profile.name = name;
  if (givenName !== undefined) profile.givenName = givenName;
  if (familyName !== undefined) profile.familyName = familyName;
  if (email !== undefined) profile.email = email;
  if (typeof claims.email_verified === 'boolean') profile.emailVerified = claims.email_verified;
  if (picture !== undefined) profile.picture = picture;
  return profile;
}

export function sameProfile(a: Profile, b: Profile): boolean {
  const keys: (keyof Profile)[] = [
    'sub',
    'name',
    'givenName',
    'familyName',
    'email',
    'emailVerified',
    'picture',
  ];
  return keys.every((key) => a[key] === b[key]);
}
