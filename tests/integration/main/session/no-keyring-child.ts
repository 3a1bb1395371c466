/**
 * Run as a child process by keychain-faults.test.ts with D-Bus pointing nowhere: the real keytar
 * meets a machine with no Secret Service. Prints what the store and the session manager did.
 */
import { createAuthClient } from '../../../../main/auth/client';
import { createKeychainStore } from '../../../../main/keychain/keychain-store';
import { recordAccount } from '../../../../main/session/session-record';
import { createSessionManager } from '../../../../main/session/session-manager';

const service = process.argv[2] ?? 'Latchkey-test-no-keyring';
// Never contacted: with no keychain there is no saved session to validate.
const auth = createAuthClient({
  issuer: 'http://127.0.0.1:9',
  clientId: 'latchkey-desktop',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
});
const store = createKeychainStore({ account: recordAccount(auth.settings), service });
const manager = createSessionManager({ auth, store, openExternal: async () => undefined, platform: 'linux' });
const state = await manager.restore();
process.stdout.write(JSON.stringify({ state, stats: store.stats(), diagnostics: manager.diagnostics() }));
manager.dispose();
