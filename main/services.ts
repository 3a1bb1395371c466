import type { HandlerTable } from '../common/contract';
import { createAccountClient, type AccountClient, type AccountClientOptions } from './account/account-client';
import { createAuthClient, type AuthClientDeps } from './auth/client';
import type { AuthClient, ProviderSettings } from './auth/types';
import { createHandlerTable } from './handlers';
import {
  createKeytarSecretStore,
  type KeytarSecretStoreOptions,
  type SecretStore,
} from './session/secret-store';
import { createSessionManager, type SessionLog, type SessionManagerOptions } from './session/session-manager';
import type { SessionManager } from './session/types';

/**
 * The Electron-free composition: provider client, keychain store, session, account client and the one
 * handler table. main/electron/app.ts builds the app from this; the integration tests and the browser harness
 * build exactly the same thing, with only the transport (ipcMain) left out.
 */
export interface ServicesOptions {
  settings: ProviderSettings;
  /** Opens a URL in the system browser (shell.openExternal in the app; a fetch-driven login in tests). */
  openExternal: (url: string) => Promise<void>;
  /** A ready secret store. When absent, a keytar-backed one is made from `keychain`. */
  store?: SecretStore;
  /** Options for the default keytar store (service name, backend, timeout, item size, platform). */
  keychain?: Omit<KeytarSecretStoreOptions, 'issuer' | 'clientId'>;
  /** Epoch ms; shared by every part so tests can move time once. */
  now?: () => number;
  /** Replaces fetch for every provider request (auth and users API), e.g. to inject faults. */
  fetch?: typeof fetch;
  log?: SessionLog;
  /** Further session settings (timeouts, retries, timers, platform). */
  sessionOptions?: Omit<SessionManagerOptions, 'auth' | 'store' | 'openExternal' | 'now' | 'log'>;
  /** Further auth client settings (loopback port, HTTP timeout). */
  authOptions?: Omit<AuthClientDeps, 'now' | 'fetch'>;
  /** Further users API settings (rate-limit wait bound, timeout, sleep). */
  accountOptions?: Omit<AccountClientOptions, 'settings' | 'session' | 'fetch' | 'now'>;
}

export interface Services {
  settings: ProviderSettings;
  auth: AuthClient;
  store: SecretStore;
  session: SessionManager;
  account: AccountClient;
  /** What main/electron/ipc.ts registers and what tests call. */
  handlers: HandlerTable;
  /** Stops the session's timers and cancels a pending sign-in. The keychain record stays. */
  dispose(): void;
}

export function createServices(options: ServicesOptions): Services {
  const { settings, now, fetch } = options;
  const auth = createAuthClient(settings, { ...options.authOptions, now, fetch });
  const store =
    options.store ??
    createKeytarSecretStore({ ...options.keychain, issuer: settings.issuer, clientId: settings.clientId });
  const session = createSessionManager({
    ...options.sessionOptions,
    auth,
    store,
    openExternal: options.openExternal,
    now,
    log: options.log,
  });
  const account = createAccountClient({ ...options.accountOptions, settings, session, fetch, now });
  const handlers = createHandlerTable({ session, account });
  return { settings, auth, store, session, account, handlers, dispose: () => session.dispose() };
}
