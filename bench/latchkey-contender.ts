import { performance } from 'node:perf_hooks';
import type { SessionState } from '../common/session-state';
import type { ProviderSettings } from '../main/auth/types';
import type { KeychainBackend } from '../main/keychain/keychain-store';
import {
  profileFromClaims,
  RECORD_FORMAT_VERSION,
  recordAccount,
  serializeRecord,
  type SessionRecord,
} from '../main/session/session-record';
import { createKeychainStore } from '../main/keychain/keychain-store';
import { createServices } from '../main/services';
import type { Contender, LaunchTimeline, RunningApp, StartOptions } from './contender';

/** How far the app's clock jumps for `passExpiry`: past any access token the provider issues (1 h). */
const EXPIRY_JUMP_MS = 2 * 60 * 60 * 1000;

/**
 * Latchkey as the app composes it (main/services.ts: auth client, keytar store, session manager,
 * account client), launched as main/electron/app.ts launches it: `session.restore()` and nothing else.
 */
export function latchkeyContender(options: {
  settings: ProviderSettings;
  /** Keychain service for this benchmark run; the raw backend is used for setup only. */
  service: string;
  setupBackend: KeychainBackend;
}): Contender {
  const { settings, service, setupBackend } = options;
  // One clock for every launch of this contender, as a machine's clock: time only moves forward, so
  // a token that `passExpiry` made stale stays stale for the next launch too.
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  const setupStore = () =>
    createKeychainStore({ account: recordAccount(settings), service, backend: setupBackend });

  return {
    name: 'latchkey',

    async seed(session) {
      const savedAt = now();
      const record: SessionRecord = {
        v: RECORD_FORMAT_VERSION,
        issuer: settings.issuer,
        clientId: settings.clientId,
        subject: session.subject,
        tokens: {
          accessToken: session.accessToken,
          refreshToken: session.refreshToken,
          ...(session.idToken ? { idToken: session.idToken } : {}),
          // Already expired: the "previous run" then refreshes and rewrites the record through the
          // real session code, with everything the app keeps in it (e.g. the provider's metadata).
          expiresAt: savedAt - 60_000,
          scope: session.scope,
          tokenType: session.tokenType,
        },
        profile: profileFromClaims(session.claims),
        savedAt,
      };
      await setupStore().write(serializeRecord(record));
    },

    async clear() {
      await setupStore().delete();
    },

    start(startOptions: StartOptions): RunningApp {
      const services = createServices({
        settings,
        openExternal: startOptions.openExternal,
        keychain: { service, backend: startOptions.backend },
        now,
      });
      const timeline: LaunchTimeline = { profileAt: null, validatedAt: null, signedIn: false };
      const unsubscribe = services.session.subscribe((state: SessionState) => {
        const at = performance.now();
        if ((state.status === 'restoring' || state.status === 'signedIn') && timeline.profileAt === null)
          timeline.profileAt = at;
        if (state.status === 'signedIn' && timeline.validatedAt === null) timeline.validatedAt = at;
      });
      return {
        async launch() {
          const state = await services.session.restore();
          timeline.signedIn = state.status === 'signedIn';
          return { ...timeline };
        },
        async signIn() {
          await services.session.signIn();
        },
        getMetadata: () => services.account.getMetadata(),
        updateMetadata: (patch) => services.account.updateMetadata(patch),
        passExpiry() {
          clockOffset += EXPIRY_JUMP_MS;
        },
        signOut: async () => {
          await services.session.signOut({ everywhere: false });
        },
        dispose() {
          unsubscribe();
          services.dispose();
        },
      };
    },
  };
}
