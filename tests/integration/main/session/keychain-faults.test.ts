import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openExternalWithBrowser } from '../../../fixtures/browser';
import {
  accountsIn,
  brokenKeychain,
  hungKeychain,
  KEYRING_ERRORS,
  withFaults,
} from '../../../fixtures/keychain';
import { describeOnPrivateKeyring } from '../../../fixtures/keyring-suite';
import { authClientFor, managerFor, savedSession, useSessionSuite } from './session-rig';

const run = promisify(execFile);

describeOnPrivateKeyring('a keychain that cannot be used', () => {
  const suite = useSessionSuite({ browser: true });

  it('no Secret Service on the bus (real keytar, D-Bus pointing nowhere): signed out, in memory, with the Linux remedy', async () => {
    const script = fileURLToPath(new URL('./no-keyring-child.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/latchkey-bus',
    };
    delete env.DISPLAY;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, suite.service], {
      env,
      timeout: 20_000,
    });
    const { state, stats, diagnostics } = JSON.parse(stdout);

    expect(state).toEqual({
      status: 'signedOut',
      storage: {
        kind: 'memory',
        problem: { code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/D-Bus/) },
        remedy: expect.stringMatching(/GNOME Keyring or KWallet.*libsecret/),
      },
    });
    expect(stats).toMatchObject({ reads: 1, failures: 1 });
    expect(diagnostics).toMatchObject({
      storage: { backend: 'memory' },
      lastError: { code: 'KEYCHAIN_UNAVAILABLE' },
    });
  });

  it.each([
    ['linux', KEYRING_ERRORS.noSecretService, /No keychain service/, /GNOME Keyring/],
    ['darwin', 'User interaction is not allowed.', /refused to read/, /Keychain Access/],
    ['win32', 'Element not found.', /refused to read/, /Credential Manager/],
  ] as const)(
    'on %s a failing keychain gives memory storage with that OS remedy',
    async (platform, message, problem, remedy) => {
      const { manager } = managerFor({
        auth: authClientFor(suite.idp),
        store: suite.store(brokenKeychain(message)),
        platform,
      });
      await expect(manager.restore()).resolves.toMatchObject({
        status: 'signedOut',
        storage: {
          kind: 'memory',
          problem: { message: expect.stringMatching(problem) },
          remedy: expect.stringMatching(remedy),
        },
      });
      manager.dispose();
    },
  );

  it('a hung keychain at launch: the timeout hits, the app carries on signed out in memory', async () => {
    const store = suite.store(hungKeychain(), { timeoutMs: 200 });
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store });
    const started = Date.now();
    const state = await manager.restore();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(state).toMatchObject({
      status: 'signedOut',
      storage: {
        kind: 'memory',
        problem: { code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/did not answer/) },
      },
    });
    expect(store.stats()).toMatchObject({ reads: 1, timeouts: 1 });
    manager.dispose();
  });

  it('a locked keyring: sign-in still works, the session lives in memory and says so', async () => {
    const ada = suite.idp.accounts.find((account) => account.login === 'ada');
    if (!ada) throw new Error('no demo account ada');
    const openExternal = openExternalWithBrowser(suite.browser, ada, { freshContextPerLogin: true });
    const store = suite.store(brokenKeychain(KEYRING_ERRORS.locked));
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store, openExternal });
    try {
      await manager.restore();
      const profile = await manager.signIn();

      expect(manager.getState()).toMatchObject({
        status: 'signedIn',
        profile,
        storage: {
          kind: 'memory',
          problem: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The keychain is locked.' },
        },
      });
      // Already known to fail: one write attempt, no retries that would make the person wait.
      expect(store.stats().writes).toBe(1);
      await expect(manager.fetchProfile()).resolves.toEqual(profile);
      expect(manager.diagnostics()).toMatchObject({
        storage: { backend: 'memory', detail: 'The keychain is locked.' },
        record: null,
      });
      await manager.signOut({ everywhere: false });
      expect(manager.getState()).toMatchObject({ status: 'signedOut' });
    } finally {
      manager.dispose();
      await openExternal.close();
    }
  });

  it('a keychain that hangs on the write after a refresh: the session carries on in memory', async () => {
    const record = await savedSession(suite.idp, 'grace', { expiresAt: Date.now() - 1_000 });
    await suite.saved().write(record, 1);
    // Reads reach the real keyring; every write hangs (a prompt nobody sees).
    const store = suite.store(withFaults(suite.keytar, { setPassword: () => 'hang' }), {
      timeoutMs: 150,
    });
    const { manager } = managerFor({ auth: authClientFor(suite.idp), store, writeRetries: 1 });

    await expect(manager.restore()).resolves.toMatchObject({
      status: 'signedIn',
      storage: { kind: 'memory', problem: { message: expect.stringMatching(/did not answer/) } },
    });
    expect(store.stats()).toMatchObject({ writes: 2, timeouts: 2 });
    expect(await accountsIn(suite.keytar, suite.service)).toHaveLength(1);
    manager.dispose();
  });
});
