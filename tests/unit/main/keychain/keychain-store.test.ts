/**
 * The keychain store over a keychain kept in memory (tests/fixtures/keychain.ts): the layout
 * decisions that need no OS keychain. The same store against the real keyring, with faults injected
 * around it, is in tests/integration/main/keychain/.
 */
import { describe, expect, it } from 'vitest';
import { createKeychainStore } from '../../../../main/keychain/keychain-store';
import { memoryKeychain } from '../../../fixtures/keychain';

const SERVICE = 'Latchkey-unit';
const OURS = 'https://idp.example|client-a';
// Another client of the same provider, its account exactly as long as ours.
const THEIRS = 'https://idp.example|client-b';

describe('keychain store', () => {
  it("a sign-out never deletes another client's split value, even one whose account has the same length", async () => {
    const backend = memoryKeychain();
    const store = (account: string) =>
      createKeychainStore({ account, service: SERVICE, backend, maxItemBytes: 512, timeoutMs: 1_000 });
    const theirs = store(THEIRS);
    const theirValue = 't'.repeat(2_000);
    await theirs.write(theirValue);
    const ours = store(OURS);
    await ours.write('o'.repeat(2_000));

    // A fresh run of ours that knows nothing of its layout sweeps leftovers by listing the keychain.
    await store(OURS).delete();

    expect(await store(OURS).read()).toEqual({ kind: 'empty' });
    expect(await store(THEIRS).read()).toEqual({ kind: 'found', text: theirValue });
    const accounts = [...backend.items.keys()].map((key) => key.slice(SERVICE.length + 1));
    expect(accounts.every((account) => account.startsWith(`${THEIRS}`))).toBe(true);
    expect(accounts.length).toBeGreaterThan(1);
  });
});
