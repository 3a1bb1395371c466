import type { Diagnostics } from '../../common/diagnostics';
import type { SessionStorage } from '../../common/session-state';
import type { AuthClient } from '../auth/types';
import type { SecretStore } from './secret-store';
import type { SessionContext } from './session-context';

/** Facts about the session for the diagnostics panel: sizes and times, never a token. */
export function sessionDiagnostics(
  context: SessionContext,
  auth: AuthClient,
  store: SecretStore,
  storage: SessionStorage,
): Diagnostics {
  const stats = store.stats();
  const { session } = context;
  return {
    issuer: auth.settings.issuer,
    clientId: auth.settings.clientId,
    storage:
      storage.kind === 'keychain'
        ? { backend: 'keychain', detail: `System keychain, service "${store.location.service}"` }
        : { backend: 'memory', detail: storage.problem.message },
    record: session && storage.kind === 'keychain' ? stats.record : null,
    accessTokenExpiresAt: session?.tokens.expiresAt ?? null,
    lastRefreshAt: context.lastRefreshAt,
    lastValidatedAt: context.lastValidatedAt,
    lastError: context.lastError,
    usersApi: auth.settings.usersApi.kind,
  };
}
