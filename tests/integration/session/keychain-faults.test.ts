import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from '@playwright/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningIdp } from '../../../idp';
import type { KeychainBackend } from '../../../main/session/keychain-backend';
import { launchBrowser, openExternalWithBrowser } from '../../fixtures/browser';
import {
  accountsIn,
  brokenKeychain,
  clearService,
  hungKeychain,
  KEYRING_ERRORS,
  NO_PRIVATE_KEYRING_REASON,
  PRIVATE_KEYRING,
  realKeytar,
  uniqueService,
  withFaults,
} from '../../fixtures/keychain';
import { authClientFor, managerFor, savedSession, startProvider, storeFor } from './session-rig';

const run = promisify(execFile);

describe.skipIf(!PRIVATE_KEYRING)(`a keychain that cannot be used (${NO_PRIVATE_KEYRING_REASON})`, () => {
  let idp: RunningIdp;
  let keytar: KeychainBackend;
  let browser: Browser;
  let service = uniqueService();

  beforeAll(async () => {
    [idp, keytar, browser] = await Promise.all([startProvider(), realKeytar(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
  });
  afterEach(async () => {
    await clearService(keytar, service);
    service = uniqueService();
  });

  it('no Secret Service on the bus (real keytar, D-Bus pointing nowhere): signed out, in memory, with the Linux remedy', async () => {
    const script = fileURLToPath(new URL('./no-keyring-child.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/latchkey-bus',
    };
    delete env.DISPLAY;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, service], {
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
        auth: authClientFor(idp),
        store: storeFor(idp, service, brokenKeychain(message)),
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
    const store = storeFor(idp, service, hungKeychain(), { timeoutMs: 200 });
    const { manager } = managerFor({ auth: authClientFor(idp), store });
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
    const ada = idp.accounts.find((account) => account.login === 'ada');
    if (!ada) throw new Error('no demo account ada');
    const openExternal = openExternalWithBrowser(browser, ada, { freshContextPerLogin: true });
    const store = storeFor(idp, service, brokenKeychain(KEYRING_ERRORS.locked));
    const { manager } = managerFor({ auth: authClientFor(idp), store, openExternal });
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
    const record = await savedSession(idp, 'grace', { expiresAt: Date.now() - 1_000 });
    await storeFor(idp, service, keytar).write(record);
    // Reads reach the real keyring; every write hangs (a prompt nobody sees).
    const store = storeFor(idp, service, withFaults(keytar, { setPassword: () => 'hang' }), {
      timeoutMs: 150,
    });
    const { manager } = managerFor({ auth: authClientFor(idp), store, writeRetries: 1 });

    await expect(manager.restore()).resolves.toMatchObject({
      status: 'signedIn',
      storage: { kind: 'memory', problem: { message: expect.stringMatching(/did not answer/) } },
    });
    expect(store.stats()).toMatchObject({ writes: 2, timeouts: 2 });
    expect(await accountsIn(keytar, service)).toHaveLength(1);
    manager.dispose();
  });
});
