/**
 * Which Host headers the local provider answers. A web page can reach a server on 127.0.0.1 through
 * DNS rebinding (a name of its own that resolves to 127.0.0.1 after the page loaded): its requests
 * then carry that name in Host, and reading the answers would let it drive the provider as the
 * person. Answering only the issuer's own host:port, or this server's port under a loopback name
 * (the same server, reached as `localhost` or `[::1]`), refuses those (RFC 9110 §7.2: Host names the
 * authority the client meant; §15.5.20: 421 Misdirected Request for one this server will not answer).
 * Behind the tests' fault and latency proxies, the issuer is the proxy's URL (IdpOptions.issuerUrl)
 * and the Host the proxy passes on is the proxy's, so those keep working.
 */
const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

export function isOwnHost(host: string | undefined, issuer: string, listeningPort: number): boolean {
  if (!host) return false;
  let requested: URL;
  let own: URL;
  try {
    requested = new URL(`http://${host}/`);
    own = new URL(issuer);
  } catch {
    return false;
  }
  // Anything but a bare authority ("a@b", "b/c", "b?c") is not a Host value (RFC 9110 §7.2).
  if (requested.username || requested.password || `http://${requested.host}/` !== requested.href)
    return false;
  if (requested.host === own.host) return true;
  const loopbackName =
    LOOPBACK_NAMES.has(requested.hostname) || /^127(\.\d{1,3}){3}$/.test(requested.hostname);
  const port = requested.port || '80';
  return loopbackName && (port === String(listeningPort) || port === (own.port || '80'));
}
