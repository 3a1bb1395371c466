import type { ServerMetadata } from 'openid-client';
import type { ProviderMetadata } from './types';

const STRING_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
  'jwks_uri',
  'mfa_challenge_endpoint',
] as const;

/**
 * Keeps only the discovery fields Latchkey calls, so that what is saved with the session stays small
 * (Windows caps a keychain item at 2560 bytes) and holds nothing the app would not use.
 */
export function trimProviderMetadata(server: ServerMetadata): ProviderMetadata {
  const trimmed: ProviderMetadata = { issuer: server.issuer };
  for (const field of STRING_FIELDS) {
    const value = server[field];
    if (typeof value === 'string') trimmed[field] = value;
  }
  const challengeMethods = stringList(server.code_challenge_methods_supported);
  if (challengeMethods) trimmed.code_challenge_methods_supported = challengeMethods;
  const signingAlgorithms = stringList(server.id_token_signing_alg_values_supported);
  if (signingAlgorithms) trimmed.id_token_signing_alg_values_supported = signingAlgorithms;
  if (typeof server.authorization_response_iss_parameter_supported === 'boolean')
    trimmed.authorization_response_iss_parameter_supported =
      server.authorization_response_iss_parameter_supported;
  return trimmed;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}
