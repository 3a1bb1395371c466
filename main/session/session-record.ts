import { z } from 'zod';
import type { GrantShortfall, Profile } from '../../common/session-state';
import type {
  ProviderMetadata,
  ProviderSettings,
  SignInResult,
  TokenSet,
  UserInfoClaims,
} from '../auth/types';

/**
 * A session as data: the record kept in the keychain, how it is written and read back, and the pure
 * rules that make one (a finished sign-in, a refresh, fresh userinfo claims). No I/O here; the
 * session manager decides when, main/keychain stores the text.
 *
 * One record per (issuer, client id). `v` is the format version: a record of any other version is
 * not ours to interpret and is removed. The issuer and client id are repeated inside so that a
 * record found under our key but written for another provider or client is never used.
 */
export const RECORD_FORMAT_VERSION = 1;

export interface SessionRecord {
  v: typeof RECORD_FORMAT_VERSION;
  issuer: string;
  clientId: string;
  /** The ID token's `sub`; userinfo must keep returning it. */
  subject: string;
  tokens: TokenSet;
  /** Shown at once on the next launch, before the provider has been asked. */
  profile: Profile;
  /** Epoch ms of the write. */
  savedAt: number;
  /**
   * The provider's endpoints as last discovered, so the next launch validates the session without a
   * discovery request first. Optional: a record without it simply discovers.
   */
  provider?: ProviderMetadata;
  /**
   * A token for the users API that the session's own token cannot serve: Auth0's Management API
   * token, got by a second authorization (main/account/management-token.ts). Kept with the session
   * (it is a bearer credential like the others, and a restart within its lifetime then needs no
   * browser step), ended with it, and never its reason to end. Optional: older records and
   * providers that need none simply lack it.
   */
  accountAccess?: AccountAccessToken;
}

/** An access token for one API audience, for the session's own subject. Never renewed: asked again. */
export interface AccountAccessToken {
  accessToken: string;
  /** Epoch ms at which the provider says it expires. */
  expiresAt: number;
  audience: string;
  scope?: string;
}

const profileSchema = z.object({
  sub: z.string().min(1),
  name: z.string().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  email: z.string().optional(),
  emailVerified: z.boolean().optional(),
  picture: z.string().optional(),
});

const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  idToken: z.string().min(1).optional(),
  expiresAt: z.number().finite(),
  scope: z.string().optional(),
  tokenType: z.string().min(1),
});

const providerMetadataSchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.string().optional(),
  token_endpoint: z.string().optional(),
  userinfo_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
  end_session_endpoint: z.string().optional(),
  jwks_uri: z.string().optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
  mfa_challenge_endpoint: z.string().optional(),
  revocation_endpoint_auth_methods_supported: z.array(z.string()).optional(),
});

const accountAccessSchema = z.object({
  accessToken: z.string().min(1),
  expiresAt: z.number().finite(),
  audience: z.string().min(1),
  scope: z.string().optional(),
});

const recordSchema = z.object({
  v: z.literal(RECORD_FORMAT_VERSION),
  issuer: z.string().min(1),
  clientId: z.string().min(1),
  subject: z.string().min(1),
  tokens: tokenSetSchema,
  profile: profileSchema,
  savedAt: z.number().finite(),
  provider: providerMetadataSchema.optional(),
  accountAccess: accountAccessSchema.optional(),
});

/** Why a stored value could not be used. The text never quotes the value (it may hold tokens). */
export type RecordProblem = { ok: false; reason: string };

/**
 * JSON with every non-ASCII character escaped (`\uXXXX`, still valid JSON), so a stored value costs
 * exactly one byte per character in UTF-8 and two in UTF-16: item sizes can be counted exactly
 * whatever encoding the platform's keychain uses.
 */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function serializeRecord(record: SessionRecord): string {
  return toAsciiJson(record);
}

/** Parses and checks a stored record; anything unexpected is a problem, never an exception. */
export function parseRecord(
  text: string,
  expected: { issuer: string; clientId: string },
): { ok: true; record: SessionRecord } | RecordProblem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the saved session is not valid JSON' };
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== RECORD_FORMAT_VERSION) {
    return {
      ok: false,
      reason: `the saved session has format version ${String(version)}, not ${RECORD_FORMAT_VERSION}`,
    };
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'the saved session is missing fields or has wrong types' };
  const record = parsed.data as SessionRecord;
  if (record.issuer !== expected.issuer || record.clientId !== expected.clientId) {
    return { ok: false, reason: 'the saved session belongs to another provider or client' };
  }
  return { ok: true, record };
}

/** The keychain account of the record: one per (issuer, client id). */
export function recordAccount(settings: Pick<ProviderSettings, 'issuer' | 'clientId'>): string {
  return `${settings.issuer}|${settings.clientId}`;
}

/** The session a finished browser sign-in starts. */
export function recordFromSignIn(
  settings: Pick<ProviderSettings, 'issuer' | 'clientId'>,
  result: SignInResult,
  now: number,
): SessionRecord {
  return {
    v: RECORD_FORMAT_VERSION,
    issuer: settings.issuer,
    clientId: settings.clientId,
    subject: result.subject,
    tokens: result.tokens,
    profile: profileFromClaims(result.claims),
    savedAt: now,
  };
}

/**
 * The session after a refresh. RFC 6749 §6: a provider that does not rotate sends no new refresh
 * token, and the one just used stays valid; OIDC Core §12.2: a refresh response need not carry an
 * ID token, and the original one still names the person (and is the `id_token_hint` for logout).
 */
export function renewedRecord(current: SessionRecord, fresh: TokenSet, now: number): SessionRecord {
  const refreshToken = fresh.refreshToken ?? current.tokens.refreshToken;
  const idToken = fresh.idToken ?? current.tokens.idToken;
  // RFC 6749 §5.1/§6: a refresh response without `scope` grants what the original grant did.
  const scope = fresh.scope ?? current.tokens.scope;
  return {
    ...current,
    tokens: {
      ...fresh,
      ...(refreshToken ? { refreshToken } : {}),
      ...(idToken ? { idToken } : {}),
      ...(scope ? { scope } : {}),
    },
    savedAt: now,
  };
}

/** The scopes the provider granted: the token response's `scope`, or, without one, those asked (RFC 6749 §5.1). */
export function grantedScopes(tokens: Pick<TokenSet, 'scope'>, requested: readonly string[]): string[] {
  return tokens.scope === undefined ? [...requested] : tokens.scope.split(' ').filter(Boolean);
}

/**
 * What the provider granted less than asked, or undefined when it granted everything and a refresh
 * token. `openid` is left out: the sign-in itself needed it (an ID token came back).
 */
export function grantShortfall(
  tokens: Pick<TokenSet, 'scope' | 'refreshToken'>,
  requested: readonly string[],
): GrantShortfall | undefined {
  const granted = new Set(grantedScopes(tokens, requested));
  const missingScopes = requested.filter((scope) => scope !== 'openid' && !granted.has(scope));
  const renewable = tokens.refreshToken !== undefined;
  return missingScopes.length === 0 && renewable ? undefined : { missingScopes, renewable };
}

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

const PROFILE_KEYS: readonly (keyof Profile)[] = [
  'sub',
  'name',
  'givenName',
  'familyName',
  'email',
  'emailVerified',
  'picture',
];

export function sameProfile(a: Profile, b: Profile): boolean {
  return PROFILE_KEYS.every((key) => a[key] === b[key]);
}
