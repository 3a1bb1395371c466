import { z } from 'zod';
import type { Profile } from '../../common/session-state';
import type { ProviderMetadata, TokenSet } from '../auth/types';

/**
 * The one record kept in the keychain per (issuer, client id). `v` is the format version: a record
 * of any other version is not ours to interpret and is removed (see secret-store.ts). The issuer and
 * client id are repeated inside so that a record found under our key but written for another
 * provider or client is never used.
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
