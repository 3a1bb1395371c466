import { toErrorInfo } from '../errors';
import type { SessionPhase, SessionState, SessionStorage } from '../../common/session-state';
import type { SessionLog } from './session-context';

/** Holds the session's phase and storage and tells listeners when their combination changes. */
export interface StatePublisher {
  /** The last state published (the same object until something changes). */
  readonly state: SessionState;
  readonly phase: SessionPhase;
  readonly storage: SessionStorage;
  setPhase(next: SessionPhase): void;
  setStorage(next: SessionStorage): void;
  subscribe(listener: (state: SessionState) => void): () => void;
  /** Drops every listener (dispose). */
  clear(): void;
}

export function createStatePublisher(log: SessionLog): StatePublisher {
  let phase: SessionPhase = { status: 'signedOut' };
  let storage: SessionStorage = { kind: 'keychain' };
  let published: SessionState = { ...phase, storage };
  let publishedKey = JSON.stringify(published);
  const listeners = new Set<(state: SessionState) => void>();

  /** Listeners hear of a change once: a state equal to the last one published is not sent again. */
  function publish(): void {
    const next = { ...phase, storage } as SessionState;
    const key = JSON.stringify(next);
    if (key === publishedKey) return;
    published = next;
    publishedKey = key;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        log.warn(`session: a state listener threw (${toErrorInfo(error).code})`);
      }
    }
  }

  return {
    get state() {
      return published;
    },
    get phase() {
      return phase;
    },
    get storage() {
      return storage;
    },
    setPhase(next) {
      phase = next;
      publish();
    },
    setStorage(next) {
      storage = next;
      publish();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}
