import { LatchkeyError } from '../errors';
import {
  chunkAccount,
  isChunkAccountOf,
  itemBytes,
  joinChunks,
  looksLikeManifest,
  MAX_CHUNKS,
  MAX_VALUE_CHARS,
  MIN_ITEM_BYTES,
  parseManifest,
  planSplit,
  type Manifest,
} from './item-layout';
import { keychainError, keychainTimeout } from './keychain-problems';

/**
 * One text value in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service
 * on Linux) through keytar, under one (service, account). What the text means is the caller's
 * business (main/session/session-record.ts); this store only keeps it safe to read back:
 * - every keychain call has a timeout (a locked keyring can wait on a password prompt forever);
 * - a value over the platform's item cap is split over several items (item-layout.ts) and rejoined;
 *   a split value whose parts are missing or altered is removed and reported, never returned;
 * - every failure is a LatchkeyError KEYCHAIN_UNAVAILABLE with a sentence a person can act on
 *   (keychain-problems.ts).
 */
export interface KeychainStore {
  /** Service and account of the main item: not secret, shown in diagnostics. */
  readonly location: { service: string; account: string };
  read(): Promise<KeychainRead>;
  /** Stores `text` (ASCII only: item sizes are counted per character). */
  write(text: string): Promise<void>;
  /** Removes the value and every item of ours it left behind. */
  delete(): Promise<void>;
  stats(): KeychainStats;
}

/** What a read found. Damaged split values are removed and reported, never thrown. */
export type KeychainRead =
  | { kind: 'found'; text: string }
  | { kind: 'empty' }
  | { kind: 'discarded'; reason: string; removed: boolean };

/**
 * Keychain calls made, counted per item as they are issued (a split value of n chunks costs n + 1
 * reads, writes or deletes); `lists` counts findCredentials calls, used only to find leftovers.
 */
export interface KeychainStats {
  reads: number;
  writes: number;
  deletes: number;
  lists: number;
  /** Calls that failed or timed out (each also counted above). */
  failures: number;
  timeouts: number;
  /** The value as last read or written: its size and how many items hold it. */
  record: { bytes: number; items: number } | null;
}

/**
 * The four keytar functions the store uses. The store takes any object of this shape, so tests
 * inject faults (a failing write, a call that never returns, the error messages a broken Secret
 * Service gives) around the real keytar without changing the store itself.
 */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeychainStoreOptions {
  /** The main item's account, e.g. `${issuer}|${clientId}`. */
  account: string;
  /** Keychain service name. Tests pass a unique one so they never see each other's values. */
  service?: string;
  /** The keytar-like backend; the real keytar by default. */
  backend?: KeychainBackend;
  /** Every keychain call gives up after this long. */
  timeoutMs?: number;
  /**
   * Largest value one item may hold, in bytes (counted as UTF-16). Larger values are split.
   * Default: 2560 on Windows (Credential Manager's CRED_MAX_CREDENTIAL_BLOB_SIZE), no cap elsewhere.
   */
  maxItemBytes?: number;
  platform?: NodeJS.Platform;
}

const DEFAULT_SERVICE = 'Latchkey';
const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3000;
const WINDOWS_MAX_ITEM_BYTES = 2560;

/**
 * keytar, loaded on first use. A native module that fails to load (missing libsecret, a wrong
 * build) must not stop the app from starting: the failure surfaces as a rejected keychain call,
 * which the store turns into KEYCHAIN_UNAVAILABLE and the session into memory-only storage.
 */
function lazyKeytarBackend(): KeychainBackend {
  let loaded: Promise<KeychainBackend> | undefined;
  const keytar = (): Promise<KeychainBackend> => {
    loaded ??= import('keytar').then(
      (module) => (module as { default?: KeychainBackend }).default ?? (module as KeychainBackend),
    );
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

/** What the main item currently points at, as far as this run knows. */
type Layout = { kind: 'none' } | { kind: 'single' } | { kind: 'split'; manifest: Manifest };

export function createKeychainStore(options: KeychainStoreOptions): KeychainStore {
  const service = options.service ?? DEFAULT_SERVICE;
  const { account } = options;
  const backend = options.backend ?? lazyKeytarBackend();
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? process.platform;
  const maxItemBytes =
    options.maxItemBytes ?? (platform === 'win32' ? WINDOWS_MAX_ITEM_BYTES : Number.POSITIVE_INFINITY);
  if (!(maxItemBytes >= MIN_ITEM_BYTES)) {
    throw new LatchkeyError('CONFIG_INVALID', `maxItemBytes must be at least ${MIN_ITEM_BYTES}.`);
  }
  const stats: KeychainStats = {
    reads: 0,
    writes: 0,
    deletes: 0,
    lists: 0,
    failures: 0,
    timeouts: 0,
    record: null,
  };
  let layout: Layout | null = null;

  /** One keychain call: counted, bounded by the timeout, failures mapped to KEYCHAIN_UNAVAILABLE. */
  function call<T>(
    kind: 'reads' | 'writes' | 'deletes' | 'lists',
    operation: string,
    run: () => Promise<T>,
  ): Promise<T> {
    stats[kind] += 1;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        stats.timeouts += 1;
        stats.failures += 1;
        reject(keychainTimeout(operation, timeoutMs));
      }, timeoutMs);
      timer.unref?.();
      let started: Promise<T>;
      try {
        started = run();
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          stats.failures += 1;
          reject(keychainError(operation, error));
        },
      );
    });
  }

  const get = (target: string) =>
    call('reads', 'read your session', () => backend.getPassword(service, target));
  const set = (target: string, value: string) =>
    call('writes', 'save your session', () => backend.setPassword(service, target, value));
  const remove = (target: string) =>
    call('deletes', 'remove your session', () => backend.deletePassword(service, target));

  /** Deletes each account, carrying on past failures; true when all went. */
  async function removeAll(accounts: string[]): Promise<boolean> {
    let allGone = true;
    for (const target of accounts) {
      try {
        await remove(target);
      } catch {
        allGone = false;
      }
    }
    return allGone;
  }

  /**
   * Chunk items of ours still in the keychain (called once the main item is gone), at most
   * 2 × MAX_CHUNKS per sweep: a real leftover is one interrupted write; more were written by someone
   * else, and a launch must not wait for a thousand deletes. The next delete() sweeps the rest.
   */
  async function leftovers(): Promise<string[]> {
    const found = await call('lists', 'list your saved items', () => backend.findCredentials(service));
    return found
      .map((credential) => credential.account)
      .filter((candidate) => isChunkAccountOf(account, candidate))
      .slice(0, 2 * MAX_CHUNKS);
  }

  function chunkAccounts(manifest: Manifest): string[] {
    return Array.from({ length: manifest.chunks }, (_, index) =>
      chunkAccount(account, manifest.generation, index),
    );
  }

  function remember(next: Layout, bytes: number, items: number): void {
    layout = next;
    stats.record = next.kind === 'none' ? null : { bytes, items };
  }

  /**
   * Removes a damaged value. For a split one whose manifest is well formed: the main item, the chunks
   * it names, any other chunk of ours (an interrupted write). For a main item Latchkey cannot have
   * written (an index out of bounds, a value over MAX_VALUE_CHARS): that item only, so that a launch
   * never walks what someone else wrote; a later delete() sweeps chunk items where it can.
   */
  async function discard(reason: string, manifest: Manifest | null): Promise<KeychainRead> {
    let removed = await removeAll([account, ...(manifest ? chunkAccounts(manifest) : [])]);
    if (manifest) {
      try {
        removed = (await removeAll(await leftovers())) && removed;
      } catch {
        removed = false;
      }
    }
    remember({ kind: 'none' }, 0, 0);
    return { kind: 'discarded', reason, removed };
  }

  async function read(): Promise<KeychainRead> {
    const value = await get(account);
    if (value === null) {
      remember({ kind: 'none' }, 0, 0);
      return { kind: 'empty' };
    }
    if (value.length > MAX_VALUE_CHARS) {
      // Never written by Latchkey (write() refuses it): not parsed, not kept.
      return discard('the saved session is larger than any session Latchkey saves', null);
    }
    if (!looksLikeManifest(value)) {
      remember({ kind: 'single' }, itemBytes(value), 1);
      return { kind: 'found', text: value };
    }
    // The manifest is checked (chunk count, length) before a single chunk is read.
    const manifest = parseManifest(value);
    if (!manifest)
      return discard('the saved session was split over several items and its index is damaged', null);
    const parts: string[] = [];
    let length = 0;
    for (const chunk of chunkAccounts(manifest)) {
      const part = await get(chunk);
      if (part === null) return discard('a part of the saved session is missing', manifest);
      length += part.length;
      if (length > manifest.length) {
        return discard('the parts of the saved session do not match their checksum', manifest);
      }
      parts.push(part);
    }
    const text = joinChunks(manifest, parts);
    if (text === null) return discard('the parts of the saved session do not match their checksum', manifest);
    remember({ kind: 'split', manifest }, itemBytes(text), manifest.chunks + 1);
    return { kind: 'found', text };
  }

  async function write(text: string): Promise<void> {
    // Sizes are counted per character, which is exact only for ASCII (the session record escapes
    // everything else): a caller breaking that is a bug, not a keychain problem.
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(text)) throw new LatchkeyError('INTERNAL', 'Keychain values must be ASCII.');
    if (text.length > MAX_VALUE_CHARS) {
      throw new LatchkeyError(
        'KEYCHAIN_UNAVAILABLE',
        `The session is too large to keep in the keychain (${text.length} characters, at most ${MAX_VALUE_CHARS}).`,
      );
    }
    const previous = layout;
    if (itemBytes(text) <= maxItemBytes) {
      await set(account, text);
      remember({ kind: 'single' }, itemBytes(text), 1);
    } else {
      const plan = planSplit(account, text, maxItemBytes);
      if (plan.chunks.length > MAX_CHUNKS) {
        throw new LatchkeyError(
          'KEYCHAIN_UNAVAILABLE',
          `The session is too large to keep in the keychain at ${maxItemBytes} bytes per item.`,
        );
      }
      try {
        for (const chunk of plan.chunks) await set(chunk.account, chunk.value);
        // The manifest last: until it is written the previous value stays the one that is read.
        await set(account, plan.manifestText);
      } catch (error) {
        await removeAll(plan.chunks.map((chunk) => chunk.account));
        throw error;
      }
      remember({ kind: 'split', manifest: plan.manifest }, itemBytes(text), plan.chunks.length + 1);
    }
    // The previous generation's chunks are stale now (the value shrank, or moved to a new
    // generation). A failure here leaves leftovers that the next delete() sweeps; the write stands.
    if (previous?.kind === 'split') await removeAll(chunkAccounts(previous.manifest));
  }

  async function deleteValue(): Promise<void> {
    const known = layout?.kind === 'split' ? chunkAccounts(layout.manifest) : [];
    await remove(account);
    remember({ kind: 'none' }, 0, 0);
    // Chunks named by the manifest we know, then whatever else of ours is left (an interrupted
    // write in an earlier run). That is cleanup: once the main item is gone nothing can read the
    // value, so a failure here does not fail the deletion.
    await removeAll(known);
    // Orphan chunks can only come from a split write, so only a store that splits (a capped item
    // size: Windows) or that saw a split value pays for the listing (findCredentials, ~20 ms).
    if (!Number.isFinite(maxItemBytes) && known.length === 0) return;
    try {
      await removeAll(await leftovers());
    } catch {
      // Swept again by the next delete().
    }
  }

  return {
    location: { service, account },
    read,
    write,
    delete: deleteValue,
    stats: () => ({ ...stats, record: stats.record ? { ...stats.record } : null }),
  };
}
