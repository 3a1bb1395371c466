export type { SessionManager } from './types';
export {
  createSessionManager,
  type SessionLog,
  type SessionManagerOptions,
  type SessionTimers,
} from './session-manager';
export {
  createKeytarSecretStore,
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  DEFAULT_SERVICE,
  WINDOWS_MAX_ITEM_BYTES,
  type KeytarSecretStoreOptions,
  type SecretStore,
  type SecretStoreStats,
  type StoreReadResult,
} from './secret-store';
export { lazyKeytarBackend, type KeychainBackend } from './keychain-backend';
export { keychainRemedy } from './keychain-problems';
export { RECORD_FORMAT_VERSION, type SessionRecord } from './record';
export { profileFromClaims } from './profile';
export { DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
