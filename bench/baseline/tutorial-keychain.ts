import type { KeychainBackend } from '../../main/keychain/keychain-store';

/**
 * The tutorial's keychain: SimpleKeychain as a key-value store, one item per token
 * (`setString(accessToken, forKey: "access_token")`, `keychain.string(forKey: "refresh_token")`,
 * `clearAll()`), here over keytar.
 */
export interface TutorialKeychain {
  string(key: TokenKey): Promise<string | null>;
  setString(value: string, key: TokenKey): Promise<void>;
  /** The tutorial's `clearAll()`: every item it ever wrote. */
  clearAll(): Promise<void>;
}

export type TokenKey = 'access_token' | 'refresh_token';
export const TOKEN_KEYS: readonly TokenKey[] = ['access_token', 'refresh_token'];

export function tutorialKeychain(backend: KeychainBackend, service: string): TutorialKeychain {
  return {
    string: (key) => backend.getPassword(service, key),
    setString: (value, key) => backend.setPassword(service, key, value),
    async clearAll() {
      for (const key of TOKEN_KEYS) await backend.deletePassword(service, key);
    },
  };
}
