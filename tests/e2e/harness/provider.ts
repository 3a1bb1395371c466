import { startIdp, type IdpOptions, type RunningIdp } from '../../../idp';
import type { ProviderSettings } from '../../../main/auth/types';
import { localAuth0Settings, localDemoSettings } from '../../../main/config/settings';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../../fixtures/fault-proxy';

/**
 * The real local provider for one test, behind a fault proxy so a test can take the provider "down"
 * and bring it back. The provider announces the proxy's URL as its issuer, so the app (in-process
 * harness or the real Electron app alike) only ever talks to the proxy: a "down" proxy is a real
 * ECONNREFUSED in the app's real HTTP stack, and the browser's login goes through it too.
 */
export interface TestProvider {
  idp: RunningIdp;
  proxy: FaultProxy;
  settings: ProviderSettings;
  /** fetch for the app: the platform's own; the issuer already points at the proxy. */
  fetch: typeof fetch;
  setNetwork(mode: FaultMode): Promise<void>;
  /** POSTs to the token endpoint so far (code exchanges and refreshes). */
  tokenRequests(): number;
  close(): Promise<void>;
}

export async function startTestProvider(options: IdpOptions = {}): Promise<TestProvider> {
  const proxy = await startFaultProxy();
  const idp = await startIdp({ ...options, issuerUrl: proxy.url });
  proxy.setTarget(idp.port);
  return {
    idp,
    proxy,
    settings: options.behaviour === 'auth0-strict' ? localAuth0Settings(idp) : localDemoSettings(idp),
    fetch: (input, init) => fetch(input, init),
    setNetwork: (mode) => proxy.setMode(mode),
    tokenRequests: () =>
      idp.requestLog.filter((entry) => entry.method === 'POST' && entry.path === '/token').length,
    close: async () => {
      await proxy.close();
      await idp.close();
    },
  };
}
