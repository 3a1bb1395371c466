/**
 * The keychain store over a keychain kept in memory (tests/fixtures/keychain.ts): the layout
 * decisions that need no OS keychain. The same store against the real keyring, with faults injected
 * around it, is in tests/integration/main/keychain/. Faults a healthy keychain cannot produce on
 * demand (a refused call, one that never answers, one that throws) come from the fixture's wrappers
 * around the memory keychain; fake timers stand in for the clock only where a timeout is measured.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLatchkeyError } from '../../../../main/errors';
import { MAX_CHUNKS, MAX_VALUE_CHARS } from '../../../../main/keychain/item-layout';
import {
  createKeychainStore,
  type KeychainBackend,
  type KeychainStoreOptions,
} from '../../../../main/keychain/keychain-store';
import {
  accountsIn,
  brokenKeychain,
  hungKeychain,
  KEYRING_ERRORS,
  memoryKeychain,
  withFaults,
} from '../../../fixtures/keychain';

const SERVICE = 'Latchkey-unit';
const OURS = 'https://idp.example|client-a';
// Another client of the same provider, its account exactly as long as ours.
const THEIRS = 'https://idp.example|client-b';
/** An item cap of 512 bytes: 256 characters per item. */
const CAP = 512;
const PER_ITEM = CAP / 2;
/** An orphan chunk left by an interrupted split write of an earlier run. */
const ORPHAN = `${OURS}#chunk:0badc0de:0`;

function storeOn(backend: KeychainBackend, options: Partial<KeychainStoreOptions> = {}) {
  return createKeychainStore({ account: OURS, service: SERVICE, backend, timeoutMs: 1_000, ...options });
}

/** Every account held under the test service, sorted: what the keychain really holds. */
const held = (backend: KeychainBackend) => accountsIn(backend, SERVICE);

/** The chunk accounts the manifest in our main item names, in order. */
async function chunksNamed(backend: KeychainBackend): Promise<string[]> {
  const manifest = JSON.parse((await backend.getPassword(SERVICE, OURS)) ?? '{}') as {
    generation: string;
    chunks: number;
  };
  return Array.from({ length: manifest.chunks }, (_, i) => `${OURS}#chunk:${manifest.generation}:${i}`);
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!isLatchkeyError(error)) throw error;
  return { code: error.code, message: error.message };
}

/** A promise whose settling a test can look at without awaiting it (for fake-timer tests). */
function watch(promise: Promise<unknown>) {
  const state = { settled: false };
  const outcome = failureOf(promise).finally(() => {
    state.settled = true;
  });
  return { state, outcome };
}

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

describe('where a value lives', () => {
  it('keeps a value in one item under the "Latchkey" service by default, read back by a later run', async () => {
    const backend = memoryKeychain();
    const store = createKeychainStore({ account: OURS, backend });
    expect(store.location).toEqual({ service: 'Latchkey', account: OURS });
    await store.write('{"v":1}');
    expect(await accountsIn(backend, 'Latchkey')).toEqual([OURS]);

    const later = createKeychainStore({ account: OURS, backend });
    expect(await later.read()).toEqual({ kind: 'found', text: '{"v":1}' });
    expect(later.stats()).toEqual({
      reads: 1,
      writes: 0,
      deletes: 0,
      lists: 0,
      failures: 0,
      timeouts: 0,
      record: { bytes: 14, items: 1 },
    });
    // What stats() hands out is a copy: changing it changes nothing the store reports later.
    const snapshot = later.stats();
    snapshot.reads = 99;
    snapshot.record!.bytes = 0;
    expect(later.stats()).toMatchObject({ reads: 1, record: { bytes: 14, items: 1 } });
  });

  it('a read that finds nothing is empty, and the store no longer reports the value it held', async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend);
    await store.write('value');
    expect(store.stats().record).toEqual({ bytes: 10, items: 1 });
    await backend.deletePassword(SERVICE, OURS);
    expect(await store.read()).toEqual({ kind: 'empty' });
    expect(store.stats().record).toBeNull();
  });

  it('splits only above the item cap: a value of exactly the cap is one item, one character more is chunks plus a manifest', async () => {
    const backend = memoryKeychain();
    const atCap = 'a'.repeat(PER_ITEM);
    await storeOn(backend, { maxItemBytes: CAP }).write(atCap);
    expect(await held(backend)).toEqual([OURS]);
    expect(await storeOn(backend, { maxItemBytes: CAP }).read()).toEqual({ kind: 'found', text: atCap });

    const over = 'b'.repeat(PER_ITEM + 1);
    const store = storeOn(backend, { maxItemBytes: CAP });
    await store.write(over);
    expect(await held(backend)).toEqual([OURS, ...(await chunksNamed(backend))].sort());
    expect(await chunksNamed(backend)).toHaveLength(2);
    expect(store.stats()).toMatchObject({ writes: 3, record: { bytes: over.length * 2, items: 3 } });

    const fresh = storeOn(backend, { maxItemBytes: CAP });
    expect(await fresh.read()).toEqual({ kind: 'found', text: over });
    // The manifest, then each chunk: one read per item.
    expect(fresh.stats()).toMatchObject({ reads: 3, record: { bytes: over.length * 2, items: 3 } });
  });

  it('caps items at 2560 bytes on Windows by default, and nowhere else unless told', async () => {
    const itemsFor = async (text: string, options: Partial<KeychainStoreOptions>) => {
      const backend = memoryKeychain();
      await storeOn(backend, options).write(text);
      expect(await storeOn(backend, options).read()).toEqual({ kind: 'found', text });
      return (await held(backend)).length;
    };
    // Credential Manager's CRED_MAX_CREDENTIAL_BLOB_SIZE: 2560 bytes, 1280 characters.
    expect(await itemsFor('w'.repeat(1280), { platform: 'win32' })).toBe(1);
    expect(await itemsFor('w'.repeat(1281), { platform: 'win32' })).toBe(3);
    expect(await itemsFor('w'.repeat(1281), { platform: 'win32', maxItemBytes: 4096 })).toBe(1);
    for (const platform of ['linux', 'darwin'] as const) {
      expect(await itemsFor('l'.repeat(MAX_VALUE_CHARS), { platform })).toBe(1);
    }
  });

  it('refuses an item cap too small to hold the manifest, or no number at all', () => {
    for (const maxItemBytes of [511, 0, Number.NaN]) {
      let thrown: unknown;
      try {
        storeOn(memoryKeychain(), { maxItemBytes });
      } catch (error) {
        thrown = error;
      }
      expect(isLatchkeyError(thrown, 'CONFIG_INVALID')).toBe(true);
      expect((thrown as Error).message).toBe('maxItemBytes must be at least 512.');
    }
    expect(() => storeOn(memoryKeychain(), { maxItemBytes: 512 })).not.toThrow();
  });
});

describe('what a write refuses', () => {
  it('refuses text that is not ASCII before any keychain call, wherever the character is', async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend);
    for (const text of ['Zoë', '\u0080abc', 'abc\u0080', 'ok\u2028']) {
      expect(await failureOf(store.write(text))).toEqual({
        code: 'INTERNAL',
        message: 'Keychain values must be ASCII.',
      });
    }
    expect(store.stats().writes).toBe(0);
    expect(await held(backend)).toEqual([]);
    // The whole ASCII range is accepted, the empty text included.
    for (const text of ['', '\u0000~\u007f']) {
      await store.write(text);
      expect(await storeOn(backend).read()).toEqual({ kind: 'found', text });
    }
  });

  it('refuses a value longer than any session Latchkey keeps, saying its size, and keeps one of exactly that length', async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend);
    expect(await failureOf(store.write('x'.repeat(MAX_VALUE_CHARS + 1)))).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: `The session is too large to keep in the keychain (${MAX_VALUE_CHARS + 1} characters, at most ${MAX_VALUE_CHARS}).`,
    });
    expect(await held(backend)).toEqual([]);
    await store.write('x'.repeat(MAX_VALUE_CHARS));
    expect(await storeOn(backend).read()).toEqual({ kind: 'found', text: 'x'.repeat(MAX_VALUE_CHARS) });
  });

  it(`refuses a value needing more than ${MAX_CHUNKS} chunks at the cap before writing any, and keeps one of exactly ${MAX_CHUNKS}`, async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend, { maxItemBytes: CAP });
    const largest = 'c'.repeat(PER_ITEM * MAX_CHUNKS);
    await store.write(largest);
    expect(store.stats().record).toEqual({ bytes: largest.length * 2, items: MAX_CHUNKS + 1 });
    const before = await held(backend);

    expect(await failureOf(store.write(`${largest}c`))).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: `The session is too large to keep in the keychain at ${CAP} bytes per item.`,
    });
    expect(await held(backend)).toEqual(before);
    expect(await storeOn(backend, { maxItemBytes: CAP }).read()).toEqual({ kind: 'found', text: largest });
  });
});

describe('rewriting a split value', () => {
  it('removes the previous chunks, whether the new value is split again or fits one item', async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend, { maxItemBytes: CAP });
    await store.write('a'.repeat(1_000));
    const first = await chunksNamed(backend);
    expect(first).toHaveLength(4);

    await store.write('b'.repeat(600));
    const second = await chunksNamed(backend);
    expect(second).toHaveLength(3);
    expect(await held(backend)).toEqual([OURS, ...second].sort());

    await store.write('small');
    expect(await held(backend)).toEqual([OURS]);
    expect(store.stats().record).toEqual({ bytes: 10, items: 1 });
    expect(await storeOn(backend, { maxItemBytes: CAP }).read()).toEqual({ kind: 'found', text: 'small' });
  });

  it('a run that read a split value removes its chunks when it writes the next one', async () => {
    const backend = memoryKeychain();
    await storeOn(backend, { maxItemBytes: CAP }).write('a'.repeat(1_000));
    const later = storeOn(backend, { maxItemBytes: CAP });
    await later.read();
    await later.write('short');
    expect(await held(backend)).toEqual([OURS]);
  });

  it('keeps the new value when the previous chunks cannot be removed; the next delete sweeps them', async () => {
    const memory = memoryKeychain();
    let refuseDeletes = false;
    // Fault: the keychain refuses deletes for a while (a healthy one would not).
    const backend = withFaults(memory, {
      deletePassword: () => (refuseDeletes ? new Error(KEYRING_ERRORS.locked) : undefined),
    });
    const store = storeOn(backend, { maxItemBytes: CAP });
    await store.write('a'.repeat(1_000));
    const stale = await chunksNamed(memory);

    refuseDeletes = true;
    await expect(store.write('new value')).resolves.toBeUndefined();
    expect(await storeOn(memory, { maxItemBytes: CAP }).read()).toEqual({ kind: 'found', text: 'new value' });
    expect(await held(memory)).toEqual([OURS, ...stale].sort());

    refuseDeletes = false;
    await storeOn(backend, { maxItemBytes: CAP }).delete();
    expect(await held(memory)).toEqual([]);
  });

  it.each([
    ['a chunk', 2],
    ['the manifest', 6],
  ])(
    'keeps the previous value when writing %s fails, and removes the chunks it had written',
    async (_what, failingWrite) => {
      const memory = memoryKeychain();
      const before = 'p'.repeat(1_000);
      await storeOn(memory, { maxItemBytes: CAP }).write(before);
      const accountsBefore = await held(memory);

      // Fault: the keychain refuses one write of the next save (5 chunks, then the manifest).
      let writes = 0;
      const failing = withFaults(memory, {
        setPassword: () => (++writes === failingWrite ? new Error(KEYRING_ERRORS.locked) : undefined),
      });
      const store = storeOn(failing, { maxItemBytes: CAP });
      await store.read();
      expect(await failureOf(store.write('n'.repeat(1_100)))).toEqual({
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'The keychain is locked.',
      });
      expect(await held(memory)).toEqual(accountsBefore);
      expect(await storeOn(memory, { maxItemBytes: CAP }).read()).toEqual({ kind: 'found', text: before });
    },
  );
});

describe('a damaged value is removed and reported, never returned', () => {
  /** Our split value of 1000 characters (4 chunks), an orphan chunk, and another client's item. */
  async function splitWithNeighbours() {
    const backend = memoryKeychain();
    await storeOn(backend, { maxItemBytes: CAP }).write('s'.repeat(1_000));
    await backend.setPassword(SERVICE, ORPHAN, 'orphan');
    await backend.setPassword(SERVICE, THEIRS, 'not ours');
    return { backend, chunks: await chunksNamed(backend) };
  }

  it('a split value with a missing chunk: every item of ours goes, orphans included, and nothing else', async () => {
    const { backend, chunks } = await splitWithNeighbours();
    // A run that read the value whole, then finds a part gone.
    const store = storeOn(backend, { maxItemBytes: CAP });
    expect(await store.read()).toMatchObject({ kind: 'found' });
    await backend.deletePassword(SERVICE, chunks[1]!);
    expect(await store.read()).toEqual({
      kind: 'discarded',
      reason: 'a part of the saved session is missing',
      removed: true,
    });
    expect(await held(backend)).toEqual([THEIRS]);
    expect(store.stats().record).toBeNull();
  });

  it('a split value with an altered chunk fails its checksum: every item of ours goes', async () => {
    const { backend, chunks } = await splitWithNeighbours();
    await backend.setPassword(SERVICE, chunks[2]!, 'X'.repeat(PER_ITEM));
    const store = storeOn(backend, { maxItemBytes: CAP });
    expect(await store.read()).toEqual({
      kind: 'discarded',
      reason: 'the parts of the saved session do not match their checksum',
      removed: true,
    });
    expect(await held(backend)).toEqual([THEIRS]);
  });

  it('stops reading at the chunk that makes the value longer than its manifest says', async () => {
    const { backend, chunks } = await splitWithNeighbours();
    await backend.setPassword(SERVICE, chunks[0]!, 'L'.repeat(1_001));
    const store = storeOn(backend, { maxItemBytes: CAP });
    expect(await store.read()).toMatchObject({
      kind: 'discarded',
      reason: expect.stringMatching(/checksum/),
    });
    // The manifest and the first chunk only.
    expect(store.stats().reads).toBe(2);
    expect(await held(backend)).toEqual([THEIRS]);
  });

  it('a damaged index removes the main item only: no chunk is read, nothing is listed', async () => {
    const backend = memoryKeychain();
    // Names more chunks than Latchkey ever writes.
    const generation = 'abcdef01';
    const chunks = Array.from({ length: MAX_CHUNKS + 1 }, (_, i) => `${OURS}#chunk:${generation}:${i}`);
    for (const chunk of chunks) await backend.setPassword(SERVICE, chunk, 'part');
    await backend.setPassword(
      SERVICE,
      OURS,
      JSON.stringify({
        v: 1,
        kind: 'latchkey-split',
        generation,
        chunks: chunks.length,
        length: 4 * chunks.length,
        sha256: '0'.repeat(64),
      }),
    );
    const store = storeOn(backend, { maxItemBytes: CAP });
    expect(await store.read()).toEqual({
      kind: 'discarded',
      reason: 'the saved session was split over several items and its index is damaged',
      removed: true,
    });
    expect(store.stats()).toMatchObject({ reads: 1, deletes: 1, lists: 0, record: null });
    expect(await held(backend)).toEqual([...chunks].sort());
  });

  it('a value longer than any Latchkey writes is removed unparsed; one of exactly that length is read', async () => {
    const backend = memoryKeychain();
    await backend.setPassword(SERVICE, ORPHAN, 'orphan');
    await backend.setPassword(SERVICE, OURS, 'x'.repeat(MAX_VALUE_CHARS));
    expect(await storeOn(backend).read()).toEqual({ kind: 'found', text: 'x'.repeat(MAX_VALUE_CHARS) });

    // Even one that claims to be a manifest is not parsed.
    await backend.setPassword(
      SERVICE,
      OURS,
      `{"kind":"latchkey-split","pad":"${'x'.repeat(MAX_VALUE_CHARS)}"}`,
    );
    const store = storeOn(backend, { maxItemBytes: CAP });
    expect(await store.read()).toEqual({
      kind: 'discarded',
      reason: 'the saved session is larger than any session Latchkey saves',
      removed: true,
    });
    expect(store.stats()).toMatchObject({ reads: 1, deletes: 1, lists: 0 });
    expect(await held(backend)).toEqual([ORPHAN]);
  });

  it('reports removed: false when an item it had to remove stays, and still removes the others', async () => {
    const cases: Array<[string, Parameters<typeof withFaults>[1], (chunks: string[]) => string[]]> = [
      [
        'the main item',
        { deletePassword: (_service, account) => (account === OURS ? new Error('denied') : undefined) },
        () => [OURS, THEIRS],
      ],
      [
        'a chunk',
        { deletePassword: (_service, account) => (account.endsWith(':3') ? new Error('denied') : undefined) },
        (chunks) => [chunks[3]!, THEIRS],
      ],
      ['the listing of leftovers', { findCredentials: () => new Error('denied') }, () => [ORPHAN, THEIRS]],
    ];
    for (const [what, faults, remaining] of cases) {
      const { backend, chunks } = await splitWithNeighbours();
      await backend.deletePassword(SERVICE, chunks[1]!);
      const result = await storeOn(withFaults(backend, faults), { maxItemBytes: CAP }).read();
      expect(result, what).toEqual({ kind: 'discarded', reason: expect.any(String), removed: false });
      expect(await held(backend), what).toEqual(remaining(chunks).sort());
    }
  });
});

describe('delete', () => {
  it('where items are never split and none was seen, deletes with one call and lists nothing', async () => {
    const backend = memoryKeychain();
    const store = storeOn(backend);
    await store.write('value');
    await backend.setPassword(SERVICE, ORPHAN, 'orphan');
    await store.delete();
    expect(store.stats()).toMatchObject({ deletes: 1, lists: 0, record: null });
    // Only a store that splits, or saw a split value, pays for the listing.
    expect(await held(backend)).toEqual([ORPHAN]);
  });

  it('a store without a cap that read a split value deletes its chunks and sweeps the leftovers', async () => {
    const backend = memoryKeychain();
    await storeOn(backend, { maxItemBytes: CAP }).write('s'.repeat(1_000));
    await backend.setPassword(SERVICE, ORPHAN, 'orphan');
    await backend.setPassword(SERVICE, THEIRS, 'not ours');
    const uncapped = storeOn(backend);
    expect(await uncapped.read()).toEqual({ kind: 'found', text: 's'.repeat(1_000) });
    await uncapped.delete();
    expect(await held(backend)).toEqual([THEIRS]);
    // The main item, its 4 chunks, then one listing that finds the orphan.
    expect(uncapped.stats()).toMatchObject({ deletes: 6, lists: 1, record: null });
  });

  it(`where items are capped, sweeps orphan chunks of earlier runs, at most ${2 * MAX_CHUNKS} per delete`, async () => {
    const backend = memoryKeychain();
    await storeOn(backend, { maxItemBytes: CAP }).write('fits one item');
    const orphans = Array.from({ length: 100 }, (_, i) => `${OURS}#chunk:0badc0de:${i}`);
    for (const orphan of orphans) await backend.setPassword(SERVICE, orphan, 'orphan');
    await backend.setPassword(SERVICE, `${OURS}-other|client`, 'not ours');

    const first = storeOn(backend, { maxItemBytes: CAP });
    await first.delete();
    expect(first.stats()).toMatchObject({ deletes: 1 + 2 * MAX_CHUNKS, lists: 1 });
    expect(await held(backend)).toHaveLength(100 - 2 * MAX_CHUNKS + 1);

    await storeOn(backend, { maxItemBytes: CAP }).delete();
    expect(await held(backend)).toEqual([`${OURS}-other|client`]);
  });

  it('fails only when the main item stays; chunks or a listing that fail are left for the next delete', async () => {
    const memory = memoryKeychain();
    await storeOn(memory, { maxItemBytes: CAP }).write('s'.repeat(1_000));
    const refusingMain = storeOn(
      withFaults(memory, {
        deletePassword: (_service, account) =>
          account === OURS ? new Error(KEYRING_ERRORS.locked) : undefined,
      }),
      { maxItemBytes: CAP },
    );
    await refusingMain.read();
    expect(await failureOf(refusingMain.delete())).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: 'The keychain is locked.',
    });
    expect(await held(memory)).toContain(OURS);

    const refusingChunks = storeOn(
      withFaults(memory, {
        deletePassword: (_service, account) => (account === OURS ? undefined : new Error('denied')),
        findCredentials: () => new Error('denied'),
      }),
      { maxItemBytes: CAP },
    );
    await refusingChunks.read();
    await expect(refusingChunks.delete()).resolves.toBeUndefined();
    expect(await storeOn(memory, { maxItemBytes: CAP }).read()).toEqual({ kind: 'empty' });
  });

  it('removes the chunks it knows of even when the keychain cannot be listed', async () => {
    const memory = memoryKeychain();
    await storeOn(memory, { maxItemBytes: CAP }).write('s'.repeat(1_000));
    await memory.setPassword(SERVICE, ORPHAN, 'orphan');
    const unlisted = storeOn(withFaults(memory, { findCredentials: () => new Error('denied') }), {
      maxItemBytes: CAP,
    });
    await unlisted.read();
    await expect(unlisted.delete()).resolves.toBeUndefined();
    // The orphan is found only by listing: the next delete sweeps it.
    expect(await held(memory)).toEqual([ORPHAN]);
  });
});

describe('a keychain that cannot be used', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.doUnmock('keytar');
  });

  it('turns each refused call into KEYCHAIN_UNAVAILABLE, saying what was asked and what the keychain said', async () => {
    // macOS's errSecInteractionNotAllowed: not one of the Secret Service's known problems.
    const store = storeOn(brokenKeychain('User interaction is not allowed.'));
    const said = 'User interaction is not allowed.';
    expect(await failureOf(store.read())).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: `The system keychain refused to read your session: ${said}`,
    });
    expect((await failureOf(store.write('v'))).message).toBe(
      `The system keychain refused to save your session: ${said}`,
    );
    expect((await failureOf(store.delete())).message).toBe(
      `The system keychain refused to remove your session: ${said}`,
    );
    expect(store.stats()).toMatchObject({ reads: 1, writes: 1, deletes: 1, failures: 3, timeouts: 0 });

    const locked = storeOn(brokenKeychain(KEYRING_ERRORS.noSecretService));
    expect((await failureOf(locked.read())).message).toMatch(/No keychain service/);
  });

  it('a backend that throws instead of rejecting is KEYCHAIN_UNAVAILABLE too', async () => {
    const throwing: KeychainBackend = {
      ...memoryKeychain(),
      getPassword: () => {
        throw new TypeError('Parameter "service" must be a string');
      },
    };
    const store = storeOn(throwing);
    expect(await failureOf(store.read())).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: 'The system keychain refused to read your session: Parameter "service" must be a string',
    });
    expect(store.stats()).toMatchObject({ reads: 1, failures: 1 });
  });

  it('gives up on a call that never answers after the timeout, 3 s unless told, naming what was asked', async () => {
    vi.useFakeTimers();
    const store = createKeychainStore({ account: OURS, service: SERVICE, backend: hungKeychain() });
    const read = watch(store.read());
    await vi.advanceTimersByTimeAsync(2_999);
    expect(read.state.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(read.state.settled).toBe(true);
    expect(await read.outcome).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message:
        'The system keychain did not answer within 3 s when asked to read your session (it may be locked and waiting for a password prompt).',
    });

    const quick = storeOn(hungKeychain(), { timeoutMs: 250 });
    for (const [call, asked] of [
      [() => quick.write('v'), 'save your session'],
      [() => quick.delete(), 'remove your session'],
    ] as const) {
      const pending = watch(call());
      await vi.advanceTimersByTimeAsync(249);
      expect(pending.state.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(pending.state.settled).toBe(true);
      expect((await pending.outcome).message).toMatch(`within 0.3 s when asked to ${asked} (`);
    }
    expect(store.stats()).toMatchObject({ reads: 1, failures: 1, timeouts: 1 });
    expect(quick.stats()).toMatchObject({ writes: 1, deletes: 1, failures: 2, timeouts: 2 });
  });

  it('a call that answers in time counts no timeout, even once its timeout has passed', async () => {
    vi.useFakeTimers();
    const memory = memoryKeychain();
    await memory.setPassword(SERVICE, OURS, 'value');
    const later = <T>(answer: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => setTimeout(() => answer().then(resolve, reject), 99));
    const slow: KeychainBackend = {
      ...memory,
      getPassword: (service, account) => later(() => memory.getPassword(service, account)),
      setPassword: () => later(() => Promise.reject(new Error('denied'))),
    };
    const store = storeOn(slow, { timeoutMs: 100 });
    const read = store.read();
    await vi.advanceTimersByTimeAsync(99);
    expect(await read).toEqual({ kind: 'found', text: 'value' });
    const write = watch(store.write('v'));
    await vi.advanceTimersByTimeAsync(99);
    expect((await write.outcome).message).toMatch(/refused to save your session: denied/);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.stats()).toMatchObject({ reads: 1, writes: 1, failures: 1, timeouts: 0 });
  });

  it.each([
    ['as a CommonJS default export', (keychain: KeychainBackend) => ({ default: keychain })],
    // An ES module without a default export (vitest's mock refuses to read a missing one).
    ['as named exports', (keychain: KeychainBackend) => ({ default: undefined, ...keychain })],
  ])('without a backend, keeps the value in keytar, loaded on first use (%s)', async (_shape, module) => {
    // keytar stands for the OS keychain, which a unit test must never touch: it is replaced here.
    const keychain = memoryKeychain();
    vi.doMock('keytar', () => module(keychain));
    const store = createKeychainStore({ account: OURS, service: SERVICE, maxItemBytes: CAP });
    await store.write('k'.repeat(300));
    expect(await held(keychain)).toHaveLength(3);
    expect(await createKeychainStore({ account: OURS, service: SERVICE }).read()).toEqual({
      kind: 'found',
      text: 'k'.repeat(300),
    });
    await keychain.setPassword(SERVICE, ORPHAN, 'orphan');
    await createKeychainStore({ account: OURS, service: SERVICE, maxItemBytes: CAP }).delete();
    expect(await held(keychain)).toEqual([]);
  });

  it('a keytar that cannot be loaded fails each call with KEYCHAIN_UNAVAILABLE, not the app', async () => {
    // Fault: the native module does not load (missing libsecret, a wrong build).
    vi.doMock('keytar', () => {
      throw new Error('libsecret-1.so.0: cannot open shared object file');
    });
    const store = createKeychainStore({ account: OURS, service: SERVICE });
    expect((await failureOf(store.read())).message).toMatch(
      /^The system keychain refused to read your session/,
    );
    expect((await failureOf(store.write('v'))).code).toBe('KEYCHAIN_UNAVAILABLE');
    expect((await failureOf(store.delete())).code).toBe('KEYCHAIN_UNAVAILABLE');
  });
});
