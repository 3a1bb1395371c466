import type { AuthClient } from '../auth/types';
import { memoryStorage } from './keychain-problems';
import type { SessionRecord } from './record';
import type { SecretStore, StoreReadResult } from './secret-store';
import { noteError, type SessionContext, type SessionTimers } from './session-context';
import type { StatePublisher } from './state-publisher';

export interface SessionPersistence {
  /** The saved record, read in turn with the other keychain calls. Throws when the keychain fails. */
  read(): Promise<StoreReadResult>;
  /**
   * Saves the record; never throws. On failure the session carries on in memory and storage says
   * why; the next save tries the keychain again and, when it works, storage returns to keychain.
   */
  persist(unsaved: SessionRecord): Promise<void>;
  /** Deletes the record; never throws. */
  deleteRecord(): Promise<void>;
}

export interface SessionPersistenceDeps {
  context: SessionContext;
  auth: AuthClient;
  store: SecretStore;
  publisher: StatePublisher;
  timers: SessionTimers;
  platform: NodeJS.Platform;
  /** A failed write is tried this many more times before falling back to memory. */
  writeRetries: number;
  writeRetryDelayMs: number;
}

/** The keychain side of the session: one call at a time, retried writes, memory as the fallback. */
export function createSessionPersistence(deps: SessionPersistenceDeps): SessionPersistence {
  const { context, auth, store, publisher, timers, platform, writeRetries, writeRetryDelayMs } = deps;
  let storeQueue: Promise<unknown> = Promise.resolve();

  /** Keychain calls run one at a time, in order: a sign-out's delete never overtakes a save. */
  function serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = storeQueue.then(operation, operation);
    storeQueue = result.catch(() => undefined);
    return result;
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      timers.setTimeout(resolve, ms);
    });

  async function persist(unsaved: SessionRecord): Promise<void> {
    const provider = auth.knownMetadata();
    const record = provider ? { ...unsaved, provider } : unsaved;
    // Already known to be failing: one try, so a hung keychain costs one timeout, not several.
    const tries = publisher.storage.kind === 'memory' ? 1 : 1 + writeRetries;
    let failure: unknown;
    for (let index = 0; index < tries; index += 1) {
      if (index > 0) await pause(writeRetryDelayMs);
      try {
        await serial(() => store.write(record));
        if (publisher.storage.kind !== 'keychain') {
          context.log.info('session: the keychain works again; the session is saved there');
          publisher.setStorage({ kind: 'keychain' });
        }
        return;
      } catch (error) {
        failure = error;
      }
    }
    const info = noteError(context, failure);
    publisher.setStorage(memoryStorage(info, platform));
  }

  async function deleteRecord(): Promise<void> {
    try {
      await serial(() => store.delete());
    } catch (error) {
      // The record stays behind; its refresh token is revoked or rejected, so the next launch
      // finds it refused and deletes it then.
      noteError(context, error);
    }
  }

  return {
    read: () => serial(() => store.read()),
    persist,
    deleteRecord,
  };
}
