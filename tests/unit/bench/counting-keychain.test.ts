import { describe, expect, it } from 'vitest';
import { countingKeychain } from '../../../bench/counting-keychain';
import type { KeychainBackend } from '../../../main/keychain/keychain-store';

/** A keychain in a Map: the unit here is the counter, not the keyring (the benchmark uses the real one). */
function mapKeychain(): KeychainBackend {
  const items = new Map<string, string>();
  return {
    getPassword: async (service, account) => items.get(`${service}/${account}`) ?? null,
    setPassword: async (service, account, password) => {
      items.set(`${service}/${account}`, password);
    },
    deletePassword: async (service, account) => items.delete(`${service}/${account}`),
    findCredentials: async () => [],
  };
}

describe('countingKeychain', () => {
  it('passes every call through and records its kind and duration', async () => {
    const keychain = countingKeychain(mapKeychain());
    await keychain.setPassword('s', 'a', 'value');
    expect(await keychain.getPassword('s', 'a')).toBe('value');
    expect(await keychain.deletePassword('s', 'a')).toBe(true);
    await keychain.findCredentials('s');
    expect(keychain.calls.map((call) => call.kind)).toEqual(['write', 'read', 'delete', 'list']);
    for (const call of keychain.calls) expect(call.end).toBeGreaterThanOrEqual(call.start);
  });

  it('records a failed call too, and lets its error through', async () => {
    const broken: KeychainBackend = {
      ...mapKeychain(),
      setPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
    };
    const keychain = countingKeychain(broken);
    await expect(keychain.setPassword('s', 'a', 'v')).rejects.toThrow(/locked collection/);
    expect(keychain.calls).toHaveLength(1);
    keychain.clear();
    expect(keychain.calls).toHaveLength(0);
  });
});
