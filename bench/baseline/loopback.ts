import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The smallest loopback redirect receiver a tutorial-style app would write (RFC 8252 §7.3): listens on
 * an ephemeral 127.0.0.1 port, hands back the first /callback URL, then closes.
 */
export async function receiveCallback(): Promise<{ redirectUri: string; callback: Promise<URL> }> {
  let deliver: (url: URL) => void = () => undefined;
  const callback = new Promise<URL>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('You are signed in. You can close this tab.');
    server.close();
    deliver(url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}/callback`, callback };
}
