/**
 * The saved session over the keychain store and the in-memory keychain (tests/fixtures/keychain.ts):
 * what a read makes of what it finds, retries of a write, and the order of keychain calls. The same
 * against the real keyring is in tests/integration/main/keychain/keychain-store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createKeychainStore, type KeychainBackend } from '../../../../main/keychain/keychain-store';
import { createSavedSession } from '../../../../main/session/saved-session';
import {
  RECORD_FORMAT_VERSION,
  serializeRecord,
  type SessionRecord,
} from '../../../../main/session/session-record';
import { memoryKeychain, withFaults } from '../../../fixtures/keychain';

const SETTINGS = { issuer: 'https://issuer.example', clientId: 'app' };
const SERVICE = 'Latchkey-unit';
const ACCOUNT = `${SETTINGS.issuer}|${SETTINGS.clientId}`;
const RECORD: SessionRecord = {
  v: RECORD_FORMAT_VERSION,
  ...SETTINGS,
  subject: 'auth0|1',
  tokens: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1, tokenType: 'Bearer' },
  profile: { sub: 'auth0|1', name: 'Ada' },
  savedAt: 2,
};

function savedOver(backend: KeychainBackend, pauses: number[] = []) {
  const store = createKeychainStore({
    account: ACCOUNT,
    service: SERVICE,
    backend,
    maxItemBytes: 4_096,
    timeoutMs: 1_000,
  });
  return createSavedSession({
    store,
    settings: SETTINGS,
    pause: async (ms) => void pauses.push(ms),
    retryDelayMs: 250,
  });
}

describe('saved session', () => {
  it('reads back the record it wrote, and nothing after a delete', async () => {
    const saved = savedOver(memoryKeychain());
    expect(await saved.read()).toEqual({ kind: 'empty' });
    await saved.write(RECORD, 1);
    expect(await saved.read()).toEqual({ kind: 'found', record: RECORD });
    await saved.delete();
    expect(await saved.read()).toEqual({ kind: 'empty' });
  });

  it("removes a record it cannot use (another client's), says why, and the next read finds nothing", async () => {
    const backend = memoryKeychain();
    await backend.setPassword(SERVICE, ACCOUNT, serializeRecord({ ...RECORD, clientId: 'someone-else' }));
    const saved = savedOver(backend);
    expect(await saved.read()).toEqual({
      kind: 'unusable',
      reason: 'the saved session belongs to another provider or client',
      removed: true,
    });
    expect(backend.items.size).toBe(0);
    expect(await saved.read()).toEqual({ kind: 'empty' });
  });

  it('says an unusable record is still there when removing it failed', async () => {
    const backend = withFaults(memoryKeychain(), { deletePassword: () => new Error('keychain locked') });
    await backend.setPassword(SERVICE, ACCOUNT, '{"v":');
    expect(await savedOver(backend).read()).toEqual({
      kind: 'unusable',
      reason: 'the saved session is not valid JSON',
      removed: false,
    });
  });

  it("passes on the keychain store's verdict on a damaged split value", async () => {
    const backend = memoryKeychain();
    // A manifest naming chunks that are not there: the store discards it and says so.
    await savedOver(backend).write(
      { ...RECORD, tokens: { ...RECORD.tokens, accessToken: 'a'.repeat(20_000) } },
      1,
    );
    const chunk = [...backend.items.keys()].find((key) => key !== `${SERVICE}\u0000${ACCOUNT}`);
    backend.items.delete(chunk!);
    const read = await savedOver(backend).read();
    expect(read).toMatchObject({ kind: 'unusable', removed: true });
    expect(read.kind === 'unusable' && read.reason).toBe('a part of the saved session is missing');
  });

  it('tries a failing write as many times as asked, pausing between tries, then throws the last failure', async () => {
    let failures = 0;
    const backend = withFaults(memoryKeychain(), {
      setPassword: () => new Error(`write failure ${(failures += 1)}`),
    });
    const pauses: number[] = [];
    const error = await savedOver(backend, pauses)
      .write(RECORD, 3)
      .catch((e: unknown) => e);
    expect(failures).toBe(3);
    expect(pauses).toEqual([250, 250]);
    expect(String((error as Error).message) + String((error as Error).cause ?? '')).toMatch(
      /write failure 3/,
    );
  });

  it('stops trying once a write succeeds', async () => {
    let calls = 0;
    const backend = withFaults(memoryKeychain(), {
      setPassword: () => ((calls += 1) === 1 ? new Error('busy') : undefined),
    });
    const pauses: number[] = [];
    const saved = savedOver(backend, pauses);
    await saved.write(RECORD, 5);
    expect(calls).toBe(2);
    expect(pauses).toEqual([250]);
    expect(await saved.read()).toEqual({ kind: 'found', record: RECORD });
  });

  it('runs keychain calls one at a time, in order: a delete never overtakes a write in flight', async () => {
    const backend = memoryKeychain();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowWrites: KeychainBackend = {
      ...backend,
      setPassword: async (...args) => {
        await held;
        return backend.setPassword(...args);
      },
    };
    const saved = savedOver(slowWrites);
    const writing = saved.write(RECORD, 1);
    const deleting = saved.delete();
    release();
    await Promise.all([writing, deleting]);
    expect(await saved.read()).toEqual({ kind: 'empty' });
  });

  it('keeps serving calls after one failed', async () => {
    let failReads = true;
    const backend = withFaults(memoryKeychain(), {
      getPassword: () => (failReads ? new Error('keychain locked') : undefined),
    });
    const saved = savedOver(backend);
    await expect(saved.read()).rejects.toBeTruthy();
    failReads = false;
    expect(await saved.read()).toEqual({ kind: 'empty' });
  });
});
