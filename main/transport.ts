import { BlockList, isIP, isIPv4 } from 'node:net';
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

/**
 * Addresses of this computer and of the networks around it: what a URL from the provider (a profile
 * picture, a redirect) must never make Latchkey request, or any web page could have it send GET
 * requests with side effects to local services (SSRF). From the IANA special-purpose address
 * registries (RFC 6890 and its updates): loopback, private, link-local, shared (CGNAT), "this
 * network", multicast and reserved space; for IPv6 also unique-local, site-local, and the prefixes
 * that embed an IPv4 address (mapped ::ffff:0:0/96, which BlockList matches against the IPv4 rules,
 * compatible ::/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48).
 */
const LOCAL_NETWORKS = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  LOCAL_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  LOCAL_NETWORKS.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP address (no brackets) on this computer or a local, private or reserved network. */
export function isLocalNetworkAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  return LOCAL_NETWORKS.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when a URL's hostname (WHATWG-canonical, as `new URL(...).hostname` gives it: `127.1`,
 * `2130706433` and `0x7f.1` all arrive as 127.0.0.1, `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`)
 * names this computer or a local network by itself. `localhost` and its subdomains resolve to
 * loopback whatever DNS says (RFC 6761 §6.3). Other names are judged by the addresses they resolve
 * to, when the connection is made (see main/avatar.ts).
 */
export function isLocalNetworkHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isLocalNetworkAddress(address);
}
