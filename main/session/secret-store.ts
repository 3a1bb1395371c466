import { LatchkeyError } from '../errors';
import {
  chunkAccount,
  isChunkAccountOf,
  itemBytes,
  joinChunks,
  looksLikeManifest,
  MIN_ITEM_BYTES,
  parseManifest,
  planSplit,
  type Manifest,
} from './item-layout';
import { lazyKeytarBackend, type KeychainBackend } from './keychain-backend';
import { keychainError, keychainTimeout } from './keychain-problems';
import { parseRecord, serializeRecord, type SessionRecord } from './record';

/** What a read found. A record that cannot be used is removed and reported, never thrown. */
export type StoreReadResult =
  | { kind: 'found'; record: SessionRecord }
  | { kind: 'empty' }
  | { kind: 'discarded'; reason: string; removed: boolean };

/**
 * Keychain calls made, counted per item as they are issued (a split record of n chunks costs n + 1
 * reads, writes or deletes); `lists` counts findCredentials calls, used only to find leftovers.
 */
export interface SecretStoreStats {
  reads: number;
  writes: number;
  deletes: number;
  lists: number;
  /** Calls that failed or timed out (each also counted above). */
  failures: number;
  timeouts: number;
  /** The record as last read or written: its size and how many items hold it. */
  record: { bytes: number; items: number } | null;
}

/** Where the session record lives. Errors are LatchkeyError KEYCHAIN_UNAVAILABLE. */
export interface SecretStore {
  /** Service and account of the main item: not secret, shown in diagnostics. */
  readonly location: { service: string; account: string };
  read(): Promise<StoreReadResult>;
  write(record: SessionRecord): Promise<void>;
  /** Removes the record and every item of ours it left behind. */
  delete(): Promise<void>;
  stats(): SecretStoreStats;
}

export interface KeytarSecretStoreOptions {
  issuer: string;
  clientId: string;
  /** Keychain service name. Tests pass a unique one so they never see each other's records. */
  service?: string;
  /** The keytar-like backend; the real keytar by default. Tests wrap it to inject faults. */
  backend?: KeychainBackend;
  /** Every keychain call gives up after this long (a locked keyring can wait on a prompt forever). */
  timeoutMs?: number;
  /**
   * Largest value one item may hold, in bytes (counted as UTF-16). Records above it are split.
   * Default: 2560 on Windows (Credential Manager's CRED_MAX_CREDENTIAL_BLOB_SIZE), no cap elsewhere.
   */
  maxItemBytes?: number;
  platform?: NodeJS.Platform;
}

export const DEFAULT_SERVICE = 'Latchkey';
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3000;
export const WINDOWS_MAX_ITEM_BYTES = 2560;

/** What the main item currently points at, as far as this run knows. */
type Layout = { kind: 'none' } | { kind: 'single' } | { kind: 'split'; manifest: Manifest };

export function createKeytarSecretStore(options: KeytarSecretStoreOptions): SecretStore {
  const service = options.service ?? DEFAULT_SERVICE;
  const account = `${options.issuer}|${options.clientId}`;
  const backend = options.backend ?? lazyKeytarBackend();
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? process.platform;
  const maxItemBytes =
    options.maxItemBytes ?? (platform === 'win32' ? WINDOWS_MAX_ITEM_BYTES : Number.POSITIVE_INFINITY);
  if (!(maxItemBytes >= MIN_ITEM_BYTES)) {
    throw new LatchkeyError('CONFIG_INVALID', `maxItemBytes must be at least ${MIN_ITEM_BYTES}.`);
  }
  const expected = { issuer: options.issuer, clientId: options.clientId };
  const stats: SecretStoreStats = {
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

  /** Every chunk item of ours still in the keychain (called once the main item is gone). */
  async function leftovers(): Promise<string[]> {
    const found = await call('lists', 'list your saved items', () => backend.findCredentials(service));
    return found
      .map((credential) => credential.account)
      .filter((candidate) => isChunkAccountOf(account, candidate));
  }

  function chunkAccounts(manifest: Manifest): string[] {
    return Array.from({ length: manifest.chunks }, (_, index) =>
      chunkAccount(account, manifest.generation, index),
    );
  }

  /** Removes an unusable record: the main item, the chunks its manifest names, any other chunk of ours. */
  async function discard(reason: string, manifest: Manifest | null): Promise<StoreReadResult> {
    let removed = await removeAll([account, ...(manifest ? chunkAccounts(manifest) : [])]);
    try {
      removed = (await removeAll(await leftovers())) && removed;
    } catch {
      removed = false;
    }
    layout = { kind: 'none' };
    stats.record = null;
    return { kind: 'discarded', reason, removed };
  }

  async function read(): Promise<StoreReadResult> {
    const value = await get(account);
    if (value === null) {
      layout = { kind: 'none' };
      stats.record = null;
      return { kind: 'empty' };
    }
    if (!looksLikeManifest(value)) {
      const parsed = parseRecord(value, expected);
      if (!parsed.ok) return discard(parsed.reason, null);
      layout = { kind: 'single' };
      stats.record = { bytes: itemBytes(value), items: 1 };
      return { kind: 'found', record: parsed.record };
    }
    const manifest = parseManifest(value);
    if (!manifest)
      return discard('the saved session was split over several items and its index is damaged', null);
    const parts: string[] = [];
    for (const chunk of chunkAccounts(manifest)) {
      const part = await get(chunk);
      if (part === null) return discard('a part of the saved session is missing', manifest);
      parts.push(part);
    }
    const text = joinChunks(manifest, parts);
    if (text === null) return discard('the parts of the saved session do not match their checksum', manifest);
    const parsed = parseRecord(text, expected);
    if (!parsed.ok) return discard(parsed.reason, manifest);
    layout = { kind: 'split', manifest };
    stats.record = { bytes: itemBytes(text), items: manifest.chunks + 1 };
    return { kind: 'found', record: parsed.record };
  }

  async function write(record: SessionRecord): Promise<void> {
    const text = serializeRecord(record);
    const previous = layout;
    if (itemBytes(text) <= maxItemBytes) {
      await set(account, text);
      layout = { kind: 'single' };
      stats.record = { bytes: itemBytes(text), items: 1 };
    } else {
      const plan = planSplit(account, text, maxItemBytes);
      try {
        for (const chunk of plan.chunks) await set(chunk.account, chunk.value);
        // The manifest last: until it is written the previous record stays the one that is read.
        await set(account, plan.manifestText);
      } catch (error) {
        await removeAll(plan.chunks.map((chunk) => chunk.account));
        throw error;
      }
      layout = { kind: 'split', manifest: plan.manifest };
      stats.record = { bytes: itemBytes(text), items: plan.chunks.length + 1 };
    }
    // The previous generation's chunks are stale now (the record shrank, or moved to a new
    // generation). A failure here leaves leftovers that the next delete() sweeps; the write stands.
    if (previous?.kind === 'split') await removeAll(chunkAccounts(previous.manifest));
  }

  async function deleteRecord(): Promise<void> {
    const known = layout?.kind === 'split' ? chunkAccounts(layout.manifest) : [];
    await remove(account);
    layout = { kind: 'none' };
    stats.record = null;
    // Chunks named by the manifest we know, then whatever else of ours is left (an interrupted
    // write in an earlier run). That is cleanup: once the main item is gone nothing can read the
    // record, so a failure here does not fail the deletion.
    await removeAll(known);
    // Orphan chunks can only come from a split write, so only a store that splits (a capped item
    // size: Windows) or that saw a split record pays for the listing (findCredentials, ~20 ms).
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
    delete: deleteRecord,
    stats: () => ({ ...stats, record: stats.record ? { ...stats.record } : null }),
  };
}
