import { startIdp, type IdpOptions, type RunningIdp } from '../../../idp';
import type { ProviderSettings } from '../../../main/auth/types';
import { localDemoSettings } from '../../../main/config';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../../fixtures/fault-proxy';

/**
 * The real local provider for one test, reached by the app through a fault proxy so a test can take
 * the provider "down" and bring it back. The provider's issuer stays its own URL (discovery checks it),
 * so the app's fetch is pointed at the proxy by rewriting the origin: every byte still crosses a real
 * TCP connection, and a "down" proxy is a real ECONNREFUSED in the app's real HTTP stack.
 */
export interface TestProvider {
  idp: RunningIdp;
  proxy: FaultProxy;
  settings: ProviderSettings;
  /** fetch for the app: provider requests go through the proxy. */
  fetch: typeof fetch;
  setNetwork(mode: FaultMode): Promise<void>;
  /** POSTs to the token endpoint so far (code exchanges and refreshes). */
  tokenRequests(): number;
  close(): Promise<void>;
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

export function fetchVia(fromOrigin: string, toOrigin: string): typeof fetch {
  return (input, init) => {
    const url = urlOf(input);
    if (!url.startsWith(`${fromOrigin}/`) && url !== fromOrigin) return fetch(input, init);
    const target = toOrigin + url.slice(fromOrigin.length);
    return fetch(input instanceof Request ? new Request(target, input) : target, init);
  };
}

export async function startTestProvider(options: IdpOptions = {}): Promise<TestProvider> {
  const idp = await startIdp(options);
  const proxy = await startFaultProxy({ targetPort: idp.port });
  return {
    idp,
    proxy,
    settings: localDemoSettings(idp),
    fetch: fetchVia(idp.issuer, proxy.url),
    setNetwork: (mode) => proxy.setMode(mode),
    tokenRequests: () =>
      idp.requestLog.filter((entry) => entry.method === 'POST' && entry.path === '/token').length,
    close: async () => {
      await proxy.close();
      await idp.close();
    },
  };
}
