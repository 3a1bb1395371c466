import { isIPv4 } from 'node:net';
import { LatchkeyError } from './errors';

/** How the client may talk to an issuer: the parsed URL, and whether plain http is allowed for it. */
export interface IssuerTransport {
  url: URL;
  /**
   * True only for an `http:` issuer on a loopback address: the local provider. Traffic to it never
   * leaves the machine, so TLS adds nothing there; anywhere else plain http would expose codes and
   * tokens on the wire (RFC 9700 §2.6: TLS for every endpoint; RFC 8252 §8.3 only relaxes it for loopback).
   */
  allowInsecureRequests: boolean;
}

/** 127.0.0.0/8, ::1 and `localhost` (RFC 8252 §8.3; RFC 6761 §6.3 reserves `localhost` for loopback). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * https anywhere, or plain http to this computer only: the one transport rule for every URL Latchkey
 * fetches or opens (issuer, users API, avatar, external links). RFC 8252 §8.3 relaxes TLS for loopback.
 */
export function isSecureTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Validates the configured issuer and decides whether openid-client's `allowInsecureRequests` may be
 * used. Anything else than https, or http on loopback, is a configuration error (CONFIG_INVALID).
 */
export function issuerTransport(issuer: string): IssuerTransport {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch (cause) {
    throw new LatchkeyError('CONFIG_INVALID', `The issuer "${issuer}" is not a valid URL.`, { cause });
  }
  if (url.username || url.password || url.search || url.hash) {
    // OIDC Discovery §2: the issuer is an https URL with no query or fragment.
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `The issuer "${url.origin}${url.pathname}" must not contain credentials, a query or a fragment.`,
    );
  }
  if (url.protocol === 'https:') return { url, allowInsecureRequests: false };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { url, allowInsecureRequests: true };
  if (url.protocol === 'http:') {
    throw new LatchkeyError(
      'CONFIG_INVALID',
      `The issuer ${url.origin} uses plain http. Only https issuers are allowed, or http on this computer (127.0.0.1, ::1, localhost) for the local provider.`,
    );
  }
  throw new LatchkeyError('CONFIG_INVALID', `The issuer must be an https URL, got "${url.protocol}".`);
}
