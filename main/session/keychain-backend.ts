/**
 * The four keytar functions the secret store uses. The store takes any object of this shape, so
 * tests inject faults (a failing write, a call that never returns, the error messages a broken
 * Secret Service gives) around the real keytar without changing the store itself.
 */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/**
 * keytar, loaded on first use. A native module that fails to load (missing libsecret, a wrong
 * build) must not stop the app from starting: the failure surfaces as a rejected keychain call,
 * which the store turns into KEYCHAIN_UNAVAILABLE and the session into memory-only storage.
 */
export function lazyKeytarBackend(): KeychainBackend {
  let loaded: Promise<KeychainBackend> | undefined;
  const keytar = (): Promise<KeychainBackend> => {
    loaded ??= import('keytar').then((module) => {
      const candidate = (module as { default?: KeychainBackend }).default ?? (module as KeychainBackend);
      return candidate;
    });
    return loaded;
  };
  return {
    getPassword: async (service, account) => (await keytar()).getPassword(service, account),
    setPassword: async (service, account, password) =>
      (await keytar()).setPassword(service, account, password),
    deletePassword: async (service, account) => (await keytar()).deletePassword(service, account),
    findCredentials: async (service) => (await keytar()).findCredentials(service),
  };
}
