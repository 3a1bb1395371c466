import { performance } from 'node:perf_hooks';
import type { ProviderSettings } from '../../main/auth/types';
import type { KeychainBackend } from '../../main/keychain/keychain-store';
import type { Contender, LaunchTimeline, RunningApp } from '../contender';
import { tutorialKeychain } from './tutorial-keychain';
import { createTutorialSession } from './tutorial-session';

/** The tutorial-style app (tutorial-session.ts) behind the benchmark's Contender interface. */
export function baselineContender(options: {
  settings: ProviderSettings;
  /** Keychain service for this benchmark run; the raw backend is used for setup only. */
  service: string;
  setupBackend: KeychainBackend;
}): Contender {
  const { settings, service, setupBackend } = options;
  const setupKeychain = tutorialKeychain(setupBackend, service);

  return {
    name: 'baseline',

    async seed(session) {
      // The tutorial stores no expiry: an expired access token is one the provider refuses, which the
      // scenario arranges by moving the provider's clock (provider-session.ts) for both contenders.
      await setupKeychain.setString(session.accessToken, 'access_token');
      await setupKeychain.setString(session.refreshToken, 'refresh_token');
    },

    clear: () => setupKeychain.clearAll(),

    start({ backend, openExternal }): RunningApp {
      const session = createTutorialSession({ settings, keychain: tutorialKeychain(backend, service) });
      return {
        async launch(): Promise<LaunchTimeline> {
          const profile = await session.launch();
          // The tutorial has no cached profile: it appears when userinfo has answered.
          const at = profile ? performance.now() : null;
          return { profileAt: at, validatedAt: at, signedIn: profile !== null };
        },
        async signIn() {
          await session.signIn(openExternal);
        },
        getMetadata: () => session.getMetadata(),
        updateMetadata: (patch) => session.updateMetadata(patch),
        passExpiry: () => undefined,
        signOut: () => session.signOut(),
        dispose: () => undefined,
      };
    },
  };
}
