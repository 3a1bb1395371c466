import type { ProviderSettings } from '../auth/types';
import type { KeychainStore } from '../keychain/keychain-store';
import { parseRecord, serializeRecord, type SessionRecord } from './session-record';

/**
 * The session record's life in the keychain: written, read back and checked, deleted. Keychain calls
 * run one at a time, in order, so a sign-out's delete never overtakes a save still in flight.
 * Failures are thrown as they are (KEYCHAIN_UNAVAILABLE); what they mean for the session (memory
 * only, and why) is the session manager's decision.
 */
export interface SavedSession {
  /** The saved session, nothing, or why the saved one could not be used (it is then removed). */
  read(): Promise<SavedRead>;
  /** Writes the record, trying `tries` times in all with a pause between; throws the last failure. */
  write(record: SessionRecord, tries: number): Promise<void>;
  delete(): Promise<void>;
}

export type SavedRead =
  | { kind: 'found'; record: SessionRecord }
  | { kind: 'empty' }
  | { kind: 'unusable'; reason: string; removed: boolean };

export function createSavedSession(options: {
  store: KeychainStore;
  settings: Pick<ProviderSettings, 'issuer' | 'clientId'>;
  pause: (ms: number) => Promise<void>;
  retryDelayMs: number;
}): SavedSession {
  const { store, settings, pause, retryDelayMs } = options;
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  }

  const remove = () => serial(() => store.delete());

  return {
    async read() {
      const read = await serial(() => store.read());
      if (read.kind === 'empty') return read;
      if (read.kind === 'discarded') return { kind: 'unusable', reason: read.reason, removed: read.removed };
      const parsed = parseRecord(read.text, settings);
      if (parsed.ok) return { kind: 'found', record: parsed.record };
      // Not ours to interpret (another version, another client, damaged): removed, so that the
      // next launch does not meet it again.
      const removed = await remove().then(
        () => true,
        () => false,
      );
      return { kind: 'unusable', reason: parsed.reason, removed };
    },

    async write(record, tries) {
      const text = serializeRecord(record);
      let failure: unknown;
      for (let index = 0; index < tries; index += 1) {
        if (index > 0) await pause(retryDelayMs);
        try {
          await serial(() => store.write(text));
          return;
        } catch (error) {
          failure = error;
        }
      }
      throw failure;
    },

    delete: remove,
  };
}
