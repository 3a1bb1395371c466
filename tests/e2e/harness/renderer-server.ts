import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { APP_ORIGIN } from '../../../common/app-origin';
import { createAppProtocolHandler, type AppProtocolOptions } from '../../../main/shell/app-protocol';

export const RENDERER_ROOT = resolve('dist/renderer');

/**
 * Serves the production renderer build over http://127.0.0.1 with the app:// protocol's own handler
 * (main/shell/app-protocol.ts): the same files, the same Content-Security-Policy header, the same
 * /avatar route. Only the scheme differs, which Chromium without Electron cannot register.
 */
export interface RendererServer {
  origin: string;
  close(): Promise<void>;
}

export async function startRendererServer(
  options: Omit<AppProtocolOptions, 'rendererRoot'>,
): Promise<RendererServer> {
  const handle = createAppProtocolHandler({ ...options, rendererRoot: RENDERER_ROOT });
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const response = await handle(
      new Request(`${APP_ORIGIN}${req.url ?? '/'}`, { method: req.method ?? 'GET' }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
