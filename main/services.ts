import type { HandlerTable } from '../common/contract';
import type { Diagnostics } from '../common/diagnostics';
import type { Profile, SessionState } from '../common/session-state';
import { createAccountClient, type AccountClient, type AccountClientOptions } from './account/account-client';
import { createManagementTokenSource } from './account/management-token';
import { AUTH0_MANAGEMENT_SCOPES } from './config/settings';
import { createAuthClient, type AuthClientDeps } from './auth/client';
import type { AuthClient, ProviderSettings } from './auth/types';
import {
  createKeychainStore,
  type KeychainStore,
  type KeychainStoreOptions,
} from './keychain/keychain-store';
import { LatchkeyError } from './errors';
import type { Logger } from './log';
import {
  createSessionManager,
  type SessionManager,
  type SessionManagerOptions,
} from './session/session-manager';
import { recordAccount } from './session/session-record';

/**
 * The Electron-free composition: provider client, keychain store, session, account client and the one
 * handler table. main/electron/app.ts builds the app from this; the integration tests and the browser
 * harness build exactly the same thing, with only the transport (ipcMain) left out.
 */

/**
 * How the page is shown what main holds, where the page's view differs from the session's own. The
 * handler table and the state push apply the same decorations, so a picture reads the same whichever
 * way it reached the page. Without them (the integration tests), values pass unchanged.
 */
export interface PageDecorations {
  /** Which provider this run uses, added to diagnostics: the shell knows, the session does not. */
  provider?: NonNullable<Diagnostics['provider']>;
  /**
   * Maps a provider picture URL to the one the page loads: app://latchkey/avatar in the app (served by
   * main from its cache, so the page's CSP needs no remote image source), the same path on the
   * harness's own origin in the browser harness.
   */
  localPicture?: (picture: string) => string;
}

export interface ServicesOptions {
  settings: ProviderSettings;
  /** Opens a URL in the system browser (shell.openExternal in the app; a fetch-driven login in tests). */
  openExternal: (url: string) => Promise<void>;
  /** Opens the log folder in the file manager (main/electron/app.ts); absent, `showLogs` is NOT_SUPPORTED. */
  showLogs?: () => Promise<void>;
  /** A ready keychain store. When absent, a keytar-backed one is made from `keychain`. */
  store?: KeychainStore;
  /** Options for the default keytar store (service name, backend, timeout, item size, platform). */
  keychain?: Omit<KeychainStoreOptions, 'account'>;
  /** Epoch ms; shared by every part so tests can move time once. */
  now?: () => number;
  /** Replaces fetch for every provider request (auth and users API), e.g. to inject faults. */
  fetch?: typeof fetch;
  log?: Logger;
  /** What the page is shown instead of the session's own values (see PageDecorations). */
  decorations?: PageDecorations;
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
  /** What main/electron/ipc.ts registers on ipcMain, and what the tests and the browser harness call. */
  handlers: HandlerTable;
  /** The session's state changes as the page is sent them (what main/electron/ipc.ts pushes). */
  stateUpdates: Pick<SessionManager, 'subscribe'>;
  /** Stops the session's timers and cancels a pending sign-in. The keychain record stays. */
  dispose(): void;
}

export function createServices(options: ServicesOptions): Services {
  const { settings, now, fetch } = options;
  const decorations = options.decorations ?? {};
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
  // On Auth0 the users API (its Management API) takes a token of its own, got by a second
  // authorization; elsewhere the session's access token serves it too.
  const tokens = settings.auth0
    ? createManagementTokenSource({
        auth,
        session,
        audience: settings.auth0.managementAudience,
        scope: AUTH0_MANAGEMENT_SCOPES.join(' '),
        openExternal: options.openExternal,
        now,
        ...(options.sessionOptions?.signInTimeoutMs !== undefined
          ? { timeoutMs: options.sessionOptions.signInTimeoutMs }
          : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;
  const account = createAccountClient({
    ...options.accountOptions,
    settings,
    session,
    fetch,
    now,
    ...(tokens ? { tokens } : {}),
  });
  return {
    settings,
    auth,
    store,
    session,
    account,
    handlers: createHandlerTable({ session, account, showLogs: options.showLogs }, decorations),
    stateUpdates: createStateUpdates(session, decorations),
    dispose: () => session.dispose(),
  };
}

/**
 * The one handler table. Inputs arrive parsed (main/ipc/invoke-wrapper.ts validated them); failures
 * throw LatchkeyError and the wrapper turns them into coded results. Every answer carrying a profile
 * is decorated here, once.
 */
export function createHandlerTable(
  {
    session,
    account,
    showLogs,
  }: { session: SessionManager; account: AccountClient; showLogs?: () => Promise<void> },
  decorations: PageDecorations,
): HandlerTable {
  const profile = (value: Profile) => decorateProfile(value, decorations);
  const state = (value: SessionState) => decorateState(value, decorations);
  return {
    getSessionState: async () => state(session.getState()),
    signIn: async () => profile(await session.signIn()),
    signInAnotherAccount: async () => profile(await session.signIn({ chooseAccount: true })),
    submitCallbackUrl: async ({ url }) => session.submitCallbackUrl(url),
    cancelSignIn: async () => session.cancelSignIn(),
    reopenSignInPage: () => session.reopenSignInPage(),
    recheckSession: async () => state(await session.recheck()),
    signOut: ({ everywhere }) => session.signOut({ everywhere }),
    getProfile: async () => profile(await session.fetchProfile()),
    getMetadata: () => account.getMetadata(),
    updateMetadata: ({ patch }) => account.updateMetadata(patch),
    authorizeAccountAccess: () => account.authorize(),
    getDiagnostics: async () => {
      const diagnostics = session.diagnostics();
      return decorations.provider ? { ...diagnostics, provider: decorations.provider } : diagnostics;
    },
    showLogs: async () => {
      if (!showLogs) throw new LatchkeyError('NOT_SUPPORTED', 'This build has no log folder to show.');
      await showLogs();
    },
  };
}

/** The session's subscribe, with every pushed state decorated as the handler table decorates it. */
export function createStateUpdates(
  session: Pick<SessionManager, 'subscribe'>,
  decorations: PageDecorations,
): Pick<SessionManager, 'subscribe'> {
  return {
    subscribe: (listener) => session.subscribe((state) => listener(decorateState(state, decorations))),
  };
}

function decorateProfile(profile: Profile, { localPicture }: PageDecorations): Profile {
  return profile.picture && localPicture ? { ...profile, picture: localPicture(profile.picture) } : profile;
}

function decorateState(state: SessionState, decorations: PageDecorations): SessionState {
  return 'profile' in state ? { ...state, profile: decorateProfile(state.profile, decorations) } : state;
}
