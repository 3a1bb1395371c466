import type { SessionState } from '../../common/session-state';
import type { AuthClient } from '../auth/types';
import { toErrorInfo } from '../errors';
import { memoryStorage } from './keychain-problems';
import { MESSAGES } from './messages';
import type { StoreReadResult } from './secret-store';
import { noteError, replaceSession, type SessionContext } from './session-context';
import type { SessionPersistence } from './session-persistence';
import type { StatePublisher } from './state-publisher';

export interface LaunchRestore {
  /** At launch: one keychain read, the cached profile at once (`restoring`), then validation. */
  restore(): Promise<SessionState>;
  /** Waits for the launch read (if one is running) so that its session counts. */
  afterLaunchRead(): Promise<void>;
}

export interface LaunchRestoreDeps {
  context: SessionContext;
  auth: AuthClient;
  persistence: SessionPersistence;
  publisher: StatePublisher;
  platform: NodeJS.Platform;
  isSignInPending: () => boolean;
  validate: () => Promise<SessionState>;
}

export function createLaunchRestore(deps: LaunchRestoreDeps): LaunchRestore {
  const { context, auth, persistence, publisher, platform, isSignInPending, validate } = deps;
  let restoring: Promise<SessionState> | null = null;
  /** The launch's keychain read, while it runs: callers wait for it rather than see "not signed in". */
  let reading: Promise<unknown> | null = null;

  async function afterLaunchRead(): Promise<void> {
    if (reading) await reading;
  }

  /** The launch read: takes a saved session in (restoring) or says why there is none. True when found. */
  async function loadSavedSession(): Promise<boolean> {
    let result: StoreReadResult;
    try {
      result = await persistence.read();
    } catch (error) {
      // No keychain this run: nothing to restore; a sign-in will live in memory (and is saved if
      // the keychain comes back).
      publisher.setStorage(memoryStorage(noteError(context, error), platform));
      return false;
    }
    if (context.session || isSignInPending()) return false; // a sign-in finished or started meanwhile
    if (result.kind === 'empty') return false;
    if (result.kind === 'discarded') {
      context.log.warn(`session: saved record discarded: ${result.reason}`);
      publisher.setPhase({
        status: 'signedOut',
        reason: {
          kind: 'recordUnreadable',
          message: MESSAGES.recordUnreadable(result.reason, result.removed),
        },
      });
      return false;
    }
    replaceSession(context, result.record);
    // The endpoints saved with the session: validation needs no discovery request first.
    if (result.record.provider) auth.useSavedMetadata(result.record.provider);
    publisher.setPhase({ status: 'restoring', profile: result.record.profile });
    return true;
  }

  /**
   * Discovery off the critical path: with no session, so that "Sign in" opens the browser at once;
   * after a restore on saved endpoints, to pick up any change for the next launch. A failure here
   * costs nothing: the next call that needs the provider discovers again.
   */
  function discoverInBackground(): void {
    auth.discover().catch((error: unknown) => {
      context.log.info(`session: background discovery failed (${toErrorInfo(error).code})`);
    });
  }

  async function runRestore(): Promise<SessionState> {
    const loading = loadSavedSession();
    reading = loading.catch(() => false);
    let found: boolean;
    try {
      found = await loading;
    } finally {
      reading = null;
    }
    if (!found) {
      discoverInBackground();
      return publisher.state;
    }
    const validated = await validate();
    // Only once the provider answered: while it is unreachable the retries are what matter.
    if (!context.disposed && validated.status === 'signedIn') discoverInBackground();
    return validated;
  }

  function restore(): Promise<SessionState> {
    if (context.disposed || context.session) return Promise.resolve(publisher.state);
    restoring ??= runRestore().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  return { restore, afterLaunchRead };
}
