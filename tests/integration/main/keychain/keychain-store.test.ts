import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isLatchkeyError } from '../../../../main/errors';
import {
  createKeychainStore,
  type KeychainStore,
  type KeychainStoreOptions,
} from '../../../../main/keychain/keychain-store';
import { MAX_CHUNKS, MAX_VALUE_CHARS } from '../../../../main/keychain/item-layout';
import { createSavedSession } from '../../../../main/session/saved-session';
import {
  RECORD_FORMAT_VERSION,
  serializeRecord,
  type SessionRecord,
} from '../../../../main/session/session-record';
import {
  accountsIn,
  brokenKeychain,
  hungKeychain,
  KEYRING_ERRORS,
  withFaults,
} from '../../../fixtures/keychain';
import { describeOnPrivateKeyring, useKeyringService } from '../../../fixtures/keyring-suite';

const ISSUER = 'http://127.0.0.1:4400';
const CLIENT_ID = 'latchkey-desktop';
const MAIN = `${ISSUER}|${CLIENT_ID}`;

/** A record shaped like a real one; `idTokenLength` pads the ID token to push the size past a cap. */
function sampleRecord(options: { idTokenLength?: number; name?: string } = {}): SessionRecord {
  return {
    v: RECORD_FORMAT_VERSION,
    issuer: ISSUER,
    clientId: CLIENT_ID,
    subject: 'user-ada',
    tokens: {
      accessToken: 'at-' + 'a'.repeat(40),
      refreshToken: 'rt-' + 'r'.repeat(40),
      idToken: 'eyJ' + 'i'.repeat(options.idTokenLength ?? 100),
      expiresAt: 1_900_000_000_000,
      scope: 'openid profile email offline_access',
      tokenType: 'Bearer',
    },
    // Non-ASCII on purpose: sizes are counted on the escaped form.
    profile: { sub: 'user-ada', name: options.name ?? 'Ada Lovelace', email: 'ada@example.test' },
    savedAt: 1_800_000_000_000,
  };
}

/** The record as the session saves it: ASCII-only JSON text. */
function sampleText(options: { idTokenLength?: number; name?: string } = {}): string {
  return serializeRecord(sampleRecord(options));
}

function expectKeychainUnavailable(error: unknown, pattern: RegExp): void {
  expect(isLatchkeyError(error, 'KEYCHAIN_UNAVAILABLE')).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describeOnPrivateKeyring('keychain store on the real keyring', () => {
  const keyring = useKeyringService();
  const stores: KeychainStore[] = [];

  const storeWith = (options: Partial<KeychainStoreOptions> = {}) => {
    const store = createKeychainStore({
      account: MAIN,
      service: keyring.service,
      backend: keyring.keytar,
      ...options,
    });
    stores.push(store);
    return store;
  };

  it('stores one item per (issuer, client id) and reads the same record back, one call each', async () => {
    const store = storeWith();
    const text = sampleText({ name: 'Ada Lovelace — Zoë' });
    await store.write(text);
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([MAIN]);

    const fresh = storeWith();
    await expect(fresh.read()).resolves.toEqual({ kind: 'found', text });
    expect(fresh.stats()).toMatchObject({ reads: 1, writes: 0, deletes: 0, lists: 0 });
    expect(store.stats()).toMatchObject({ reads: 0, writes: 1, deletes: 0 });
    // Stored as ASCII-only JSON, so its size is exact under UTF-8 and UTF-16 alike.
    const raw = (await keyring.keytar.getPassword(keyring.service, MAIN)) ?? '';
    expect(raw).toMatch(/^[\x20-\x7e]+$/);
    expect(fresh.stats().record).toEqual({ bytes: raw.length * 2, items: 1 });
  });

  it('reads nothing, with one call, when no record exists', async () => {
    const store = storeWith();
    await expect(store.read()).resolves.toEqual({ kind: 'empty' });
    expect(store.stats()).toMatchObject({ reads: 1, writes: 0, deletes: 0, lists: 0 });
  });

  it('splits a record over the item cap into chunks plus a manifest and rejoins it', async () => {
    const store = storeWith({ maxItemBytes: 512 });
    const text = sampleText({ idTokenLength: 1500 });
    await store.write(text);
    const accounts = await accountsIn(keyring.keytar, keyring.service);
    // ~1.8 KB of JSON at 256 characters (512 UTF-16 bytes) per chunk.
    expect(accounts.length).toBeGreaterThanOrEqual(8);
    expect(accounts).toContain(MAIN);
    for (const account of accounts) {
      const value = (await keyring.keytar.getPassword(keyring.service, account)) ?? '';
      expect(value.length * 2).toBeLessThanOrEqual(512);
    }
    const manifest = JSON.parse((await keyring.keytar.getPassword(keyring.service, MAIN)) ?? '{}');
    expect(manifest).toMatchObject({ kind: 'latchkey-split', chunks: accounts.length - 1 });

    const fresh = storeWith({ maxItemBytes: 512 });
    await expect(fresh.read()).resolves.toEqual({ kind: 'found', text });
    // Counted per item: the manifest, then each chunk.
    expect(fresh.stats()).toMatchObject({ reads: accounts.length, record: { items: accounts.length } });
    expect(store.stats().writes).toBe(accounts.length);
  });

  it('removes the previous chunks when a split record shrinks or moves to a new generation', async () => {
    // 1024 bytes: a plain record (~450 characters) fits in one item, a long ID token does not.
    const store = storeWith({ maxItemBytes: 1024 });
    await store.write(sampleText({ idTokenLength: 3000 }));
    const big = await accountsIn(keyring.keytar, keyring.service);

    await store.write(sampleText({ idTokenLength: 1200 }));
    const smaller = await accountsIn(keyring.keytar, keyring.service);
    expect(smaller.length).toBeLessThan(big.length);
    expect(smaller.filter((account) => big.includes(account))).toEqual([MAIN]);

    await store.write(sampleText({ idTokenLength: 10 }));
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([MAIN]);
    expect(store.stats().record?.items).toBe(1);
    await expect(storeWith({ maxItemBytes: 1024 }).read()).resolves.toMatchObject({ kind: 'found' });
  });

  it('keeps the previous record when a split write stops half way, and cleans what it wrote', async () => {
    const store = storeWith({ maxItemBytes: 512 });
    const before = sampleText({ idTokenLength: 1500 });
    await store.write(before);
    const accountsBefore = await accountsIn(keyring.keytar, keyring.service);

    // Fault: the keyring refuses the fourth write of the next save (the real keyring would not).
    let writes = 0;
    const failing = withFaults(keyring.keytar, {
      setPassword: () => (++writes === 4 ? new Error(KEYRING_ERRORS.locked) : undefined),
    });
    const interrupted = storeWith({ maxItemBytes: 512, backend: failing });
    await interrupted.read();
    const error = await interrupted
      .write(sampleText({ idTokenLength: 1600, name: 'Changed' }))
      .catch((e: unknown) => e);
    expectKeychainUnavailable(error, /locked/);

    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual(accountsBefore);
    await expect(storeWith({ maxItemBytes: 512 }).read()).resolves.toEqual({
      kind: 'found',
      text: before,
    });
  });

  it('detects a split record whose chunk was altered, removes every item and reports it', async () => {
    await storeWith({ maxItemBytes: 512 }).write(sampleText({ idTokenLength: 1500 }));
    const chunk =
      (await accountsIn(keyring.keytar, keyring.service)).find((account) => account !== MAIN) ?? '';
    await keyring.keytar.setPassword(keyring.service, chunk, 'x'.repeat(10));

    const store = storeWith({ maxItemBytes: 512 });
    const result = await store.read();
    expect(result).toEqual({ kind: 'discarded', reason: expect.stringMatching(/checksum/), removed: true });
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
  });

  it('detects a split record with a missing chunk (a half-written split) as corrupt', async () => {
    await storeWith({ maxItemBytes: 512 }).write(sampleText({ idTokenLength: 1500 }));
    const chunk =
      (await accountsIn(keyring.keytar, keyring.service)).find((account) => account !== MAIN) ?? '';
    await keyring.keytar.deletePassword(keyring.service, chunk);

    const result = await storeWith({ maxItemBytes: 512 }).read();
    expect(result).toMatchObject({
      kind: 'discarded',
      reason: expect.stringMatching(/missing/),
      removed: true,
    });
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
  });

  it('refuses a tampered manifest naming 100 chunks after one read, before reading any chunk', async () => {
    // Another program wrote 100 chunk items and a manifest naming them all, checksum included.
    const generation = 'abcdef01';
    const parts = Array.from({ length: 100 }, (_, index) => `part-${index};`);
    for (const [index, part] of parts.entries()) {
      await keyring.keytar.setPassword(keyring.service, `${MAIN}#chunk:${generation}:${index}`, part);
    }
    const text = parts.join('');
    await keyring.keytar.setPassword(
      keyring.service,
      MAIN,
      JSON.stringify({
        v: 1,
        kind: 'latchkey-split',
        generation,
        chunks: parts.length,
        length: text.length,
        sha256: createHash('sha256').update(text).digest('hex'),
      }),
    );

    const store = storeWith({ maxItemBytes: 2560 });
    const result = await store.read();

    expect(result).toMatchObject({ kind: 'discarded', reason: expect.stringMatching(/index is damaged/) });
    // The manifest only, removed: the launch does not walk what someone else wrote.
    expect(store.stats()).toMatchObject({ reads: 1, deletes: 1, lists: 0 });
    expect(await accountsIn(keyring.keytar, keyring.service)).not.toContain(MAIN);
    // Where items are capped, deleting the session sweeps the rest, at most 2 × MAX_CHUNKS at a time.
    const cleaner = storeWith({ maxItemBytes: 2560 });
    await cleaner.delete();
    expect(cleaner.stats().deletes).toBeLessThanOrEqual(1 + 2 * MAX_CHUNKS);
    await storeWith({ maxItemBytes: 2560 }).delete();
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
  });

  it('refuses a single item larger than any session Latchkey saves without parsing it, and never writes one', async () => {
    await keyring.keytar.setPassword(keyring.service, MAIN, `{"v":1,"pad":"${'x'.repeat(MAX_VALUE_CHARS)}"}`);
    const store = storeWith();
    expect(await store.read()).toMatchObject({ kind: 'discarded', reason: expect.stringMatching(/larger/) });
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);

    const error = await store.write('x'.repeat(MAX_VALUE_CHARS + 1)).catch((e: unknown) => e);
    expectKeychainUnavailable(error, /too large/);
    const split = await storeWith({ maxItemBytes: 512 })
      .write('x'.repeat(256 * MAX_CHUNKS + 1))
      .catch((e: unknown) => e);
    expectKeychainUnavailable(split, /too large/);
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
  });

  describe("read back as a session record (the session manager's view)", () => {
    const savedWith = () =>
      createSavedSession({
        store: storeWith(),
        settings: { issuer: ISSUER, clientId: CLIENT_ID },
        pause: async () => undefined,
        retryDelayMs: 0,
      });

    it('removes and reports garbage written straight into the keychain instead of throwing', async () => {
      await keyring.keytar.setPassword(keyring.service, MAIN, '{"v":1,"tokens":');
      await expect(savedWith().read()).resolves.toMatchObject({
        kind: 'unusable',
        reason: expect.stringMatching(/not valid JSON/),
        removed: true,
      });
      expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
    });

    it('removes a record of another format version and one written for another issuer', async () => {
      await keyring.keytar.setPassword(keyring.service, MAIN, JSON.stringify({ ...sampleRecord(), v: 2 }));
      await expect(savedWith().read()).resolves.toMatchObject({
        kind: 'unusable',
        reason: expect.stringMatching(/format version 2/),
      });
      expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);

      await keyring.keytar.setPassword(
        keyring.service,
        MAIN,
        JSON.stringify({ ...sampleRecord(), issuer: 'https://elsewhere.test' }),
      );
      await expect(savedWith().read()).resolves.toMatchObject({
        kind: 'unusable',
        reason: expect.stringMatching(/another provider/),
      });
      expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
    });

    it('reads back exactly the record it wrote', async () => {
      const record = sampleRecord({ name: 'Ada Lovelace — Zoë' });
      await savedWith().write(record, 1);
      await expect(savedWith().read()).resolves.toEqual({ kind: 'found', record });
    });
  });

  it('deletes the record with one delete and no listing where items are never split', async () => {
    const store = storeWith();
    await store.write(sampleText());
    const before = store.stats();
    await store.delete();
    const after = store.stats();
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([]);
    expect(after.deletes - before.deletes).toBe(1);
    expect(after.lists - before.lists).toBe(0);
  });

  it('where items are capped, deletes the record and sweeps orphan chunks of earlier runs', async () => {
    // Capped (as on Windows), but this record fits one item: only the sweep can find the orphan.
    const store = storeWith({ maxItemBytes: 2560 });
    await store.write(sampleText());
    // An orphan left by an interrupted split write in an earlier run, and another client's record.
    await keyring.keytar.setPassword(keyring.service, `${MAIN}#chunk:0badc0de:0`, 'orphan');
    await keyring.keytar.setPassword(keyring.service, `${MAIN}-other|client`, 'not ours');

    const before = store.stats();
    await store.delete();
    const after = store.stats();
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([`${MAIN}-other|client`]);
    // The record itself: one delete. Then one list to find leftovers, and one delete for the orphan.
    expect(after.deletes - before.deletes).toBe(2);
    expect(after.lists - before.lists).toBe(1);
  });

  it('never touches the record of another client id sharing the prefix', async () => {
    await keyring.keytar.setPassword(keyring.service, `${MAIN}#x`, 'another client "latchkey-desktop#x"');
    await storeWith().write(sampleText());
    await storeWith().delete();
    expect(await accountsIn(keyring.keytar, keyring.service)).toEqual([`${MAIN}#x`]);
  });

  describe('a keychain that cannot be used', () => {
    it.each([
      ['no D-Bus', KEYRING_ERRORS.noDbus, /No session bus/],
      ['no Secret Service', KEYRING_ERRORS.noSecretService, /No keychain service/],
      ['a locked collection', KEYRING_ERRORS.locked, /locked/],
    ])('maps %s to KEYCHAIN_UNAVAILABLE on read, write and delete', async (_name, message, pattern) => {
      const store = storeWith({ backend: brokenKeychain(message) });
      expectKeychainUnavailable(await store.read().catch((e: unknown) => e), pattern);
      expectKeychainUnavailable(await store.write(sampleText()).catch((e: unknown) => e), pattern);
      expectKeychainUnavailable(await store.delete().catch((e: unknown) => e), pattern);
      expect(store.stats()).toMatchObject({ reads: 1, writes: 1, deletes: 1, failures: 3 });
    });

    it('gives up on a call that never returns after the timeout', async () => {
      const store = storeWith({ backend: hungKeychain(), timeoutMs: 150 });
      const started = Date.now();
      expectKeychainUnavailable(await store.read().catch((e: unknown) => e), /did not answer within 0\.2 s/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(store.stats()).toMatchObject({ reads: 1, timeouts: 1 });
    });

    it('refuses text that is not ASCII (sizes are counted per character) before calling the keychain', async () => {
      const store = storeWith();
      await expect(store.write('Zoë')).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(store.stats().writes).toBe(0);
    });

    it('refuses an item cap too small to hold the manifest', () => {
      expect(() => storeWith({ maxItemBytes: 100 })).toThrow(/at least 512/);
    });

    it('splits at the Windows Credential Manager cap by default on win32', async () => {
      const store = storeWith({ platform: 'win32' });
      await store.write(sampleText({ idTokenLength: 1400 }));
      expect(store.stats().record?.items).toBeGreaterThan(1);
      await store.write(sampleText({ idTokenLength: 100 }));
      expect(store.stats().record?.items).toBe(1);
    });
  });
});
