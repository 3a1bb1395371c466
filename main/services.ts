import type { HandlerTable } from '../common/contract';
import { createAccountClient, type AccountClient, type AccountClientOptions } from './account/account-client';
import { createAuthClient, type AuthClientDeps } from './auth/client';
import type { AuthClient, ProviderSettings } from './auth/types';
import { createHandlerTable } from './handlers';
import {
  createKeychainStore,
  type KeychainStore,
  type KeychainStoreOptions,
} from './keychain/keychain-store';
import type { Logger } from './log';
import {
  createSessionManager,
  type SessionManager,
  type SessionManagerOptions,
} from './session/session-manager';
import { recordAccount } from './session/session-record';

/**
 * The Electron-free composition: provider client, keychain store, session, account client and the one
 * handler table. main/app.ts builds the app from this; the integration tests and the browser harness
 * build exactly the same thing, with only the transport (ipcMain) left out.
 */
export interface ServicesOptions {
  settings: ProviderSettings;
  /** Opens a URL in the system browser (shell.openExternal in the app; a fetch-driven login in tests). */
  openExternal: (url: string) => Promise<void>;
  /** A ready keychain store. When absent, a keytar-backed one is made from `keychain`. */
  store?: KeychainStore;
  /** Options for the default keytar store (service name, backend, timeout, item size, platform). */
  keychain?: Omit<KeychainStoreOptions, 'account'>;
  /** Epoch ms; shared by every part so tests can move time once. */
  now?: () => number;
  /** Replaces fetch for every provider request (auth and users API), e.g. to inject faults. */
  fetch?: typeof fetch;
  log?: Pick<Logger, 'info' | 'warn'>;
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
  store: KeychainStore;
  session: SessionManager;
  account: AccountClient;
  /** What main/ipc.ts registers and what tests call. */
  handlers: HandlerTable;
  /** Stops the session's timers and cancels a pending sign-in. The keychain record stays. */
  dispose(): void;
}

export function createServices(options: ServicesOptions): Services {
  const { settings, now, fetch } = options;
  const auth = createAuthClient(settings, { ...options.authOptions, now, fetch });
  const store =
    options.store ?? createKeychainStore({ ...options.keychain, account: recordAccount(settings) });
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
