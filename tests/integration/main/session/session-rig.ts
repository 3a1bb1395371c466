/**
 * What the session suites share: the real local provider (optionally behind the fault proxy), the
 * real auth client, the real keyring under a unique service, and a session saved the way a
 * previous run would have saved it (real tokens from the provider's login form via fetch).
 */
import { startIdp, type IdpOptions, type RunningIdp } from '../../../../idp';
import { createAuthClient, type AuthClientDeps } from '../../../../main/auth/client';
import type { AuthClient } from '../../../../main/auth/types';
import {
  profileFromClaims,
  RECORD_FORMAT_VERSION,
  recordAccount,
  type SessionRecord,
} from '../../../../main/session/session-record';
import {
  createKeychainStore,
  type KeychainBackend,
  type KeychainStore,
  type KeychainStoreOptions,
} from '../../../../main/keychain/keychain-store';
import { createSavedSession, type SavedSession } from '../../../../main/session/saved-session';
import { createSessionManager, type SessionManagerOptions } from '../../../../main/session/session-manager';
import type { SessionManager } from '../../../../main/session/session-manager';
import type { SessionState } from '../../../../common/session-state';
import { DEFAULT_SCOPE, obtainTokens } from '../../../fixtures/idp-login';
import { useKeyringService, type KeyringService } from '../../../fixtures/keyring-suite';
import {
  useLocalProvider,
  type LocalProvider,
  type LocalProviderOptions,
} from '../../../fixtures/local-provider';

export const SCOPES = DEFAULT_SCOPE.split(' ');

export function authClientFor(
  idp: Pick<RunningIdp, 'issuer' | 'clientId' | 'audience'>,
  deps: AuthClientDeps = {},
): AuthClient {
  return createAuthClient(
    {
      issuer: idp.issuer,
      clientId: idp.clientId,
      audience: idp.audience,
      scopes: SCOPES,
      usersApi: { kind: 'auth0', baseUrl: idp.audience },
    },
    deps,
  );
}

export function storeFor(
  idp: Pick<RunningIdp, 'issuer' | 'clientId'>,
  service: string,
  backend: KeychainBackend,
  options: Partial<KeychainStoreOptions> = {},
): KeychainStore {
  return createKeychainStore({
    account: recordAccount(idp),
    service,
    backend,
    ...options,
  });
}

/**
 * Logs `login` in with fetch and returns the record a previous run would have saved.
 * `expiresAt` overrides what the app believes about the access token (the provider is not told).
 */
export async function savedSession(
  idp: RunningIdp,
  login = 'ada',
  options: { expiresAt?: number; now?: number } = {},
): Promise<SessionRecord> {
  const requestedAt = options.now ?? Date.now();
  const tokens = await obtainTokens(idp, login);
  const account = idp.accounts.find((candidate) => candidate.login === login);
  if (!account) throw new Error(`no demo account ${login}`);
  return {
    v: RECORD_FORMAT_VERSION,
    issuer: idp.issuer,
    clientId: idp.clientId,
    subject: account.sub,
    tokens: {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      expiresAt: options.expiresAt ?? requestedAt + tokens.expires_in * 1000,
      scope: tokens.scope,
      tokenType: tokens.token_type,
    },
    profile: profileFromClaims({ ...account }),
    savedAt: requestedAt,
  };
}

/** A manager whose every state is recorded; `openExternal` defaults to recording the URL only. */
export function managerFor(
  options: Partial<SessionManagerOptions> & Pick<SessionManagerOptions, 'auth' | 'store'>,
): { manager: SessionManager; states: SessionState[]; opened: string[] } {
  const opened: string[] = [];
  const manager = createSessionManager({
    openExternal: async (url) => {
      opened.push(url);
    },
    platform: 'linux',
    retry: { baseMs: 100, maxMs: 400, jitter: false },
    writeRetryDelayMs: 20,
    ...options,
  });
  const states: SessionState[] = [];
  manager.subscribe((state) => states.push(state));
  return { manager, states, opened };
}

/** Requests the provider received since `from` (an index into requestLog), as "METHOD /path". */
export function requestsSince(idp: RunningIdp, from = 0): string[] {
  return idp.requestLog.slice(from).map((entry) => `${entry.method} ${entry.path}`);
}

export const TOKEN_POST = 'POST /token';
export const USERINFO = 'GET /me';

export async function startProvider(options: IdpOptions = {}): Promise<RunningIdp> {
  return startIdp(options);
}

export interface SessionSuite extends LocalProvider, KeyringService {
  /** A keychain store under this test's service, on the real keytar unless `backend` is given. */
  store(backend?: KeychainBackend, options?: Partial<KeychainStoreOptions>): KeychainStore;
  /** The session record in this test's keychain service, as the app saves and reads it back. */
  saved(): SavedSession;
}

/**
 * What every session suite sets up: the local provider (and Chromium, when asked) for the suite,
 * the real keytar, and a keyring service of each test's own, emptied after it.
 */
export function useSessionSuite(options: LocalProviderOptions = {}): SessionSuite {
  const provider = useLocalProvider(options);
  const keyring = useKeyringService();
  return {
    get idp() {
      return provider.idp;
    },
    get browser() {
      return provider.browser;
    },
    get keytar() {
      return keyring.keytar;
    },
    get service() {
      return keyring.service;
    },
    restartProvider: () => provider.restartProvider(),
    store: (backend = keyring.keytar, options = {}) =>
      storeFor(provider.idp, keyring.service, backend, options),
    saved: () =>
      createSavedSession({
        store: storeFor(provider.idp, keyring.service, keyring.keytar),
        settings: provider.idp,
        pause: async () => undefined,
        retryDelayMs: 0,
      }),
  };
}

/** Resolves when `manager` reaches a state matching `predicate` (checks the current state first). */
export function reach(
  manager: SessionManager,
  predicate: (state: SessionState) => boolean,
  timeoutMs = 10_000,
): Promise<SessionState> {
  return new Promise((resolve, reject) => {
    if (predicate(manager.getState())) return resolve(manager.getState());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state not reached in ${timeoutMs} ms; last: ${JSON.stringify(manager.getState())}`));
    }, timeoutMs);
    const stop = manager.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}
