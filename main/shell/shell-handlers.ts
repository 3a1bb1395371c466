import type { HandlerTable } from '../../common/contract';
import type { Diagnostics } from '../../common/diagnostics';
import type { Profile, SessionState } from '../../common/session-state';
import type { SessionManager } from '../session/session-manager';

/**
 * What the Electron shell adds to the handler table and the pushed state, without touching the
 * session layer: the profile picture becomes app://latchkey/avatar (served by main from its cache,
 * so the page's CSP needs no remote image source), and diagnostics say which provider this run uses.
 * The browser test harness (tests/e2e/harness/chromium-app.ts) decorates the same way, with the
 * avatar path on its own origin, so both Playwright projects show the page what the app shows.
 */
export interface ShellDecorations {
  provider: NonNullable<Diagnostics['provider']>;
  /** Maps a provider picture URL to the URL the page should load. */
  localPicture: (picture: string) => string;
}

export function decorateProfile(profile: Profile, decorations: ShellDecorations): Profile {
  return profile.picture ? { ...profile, picture: decorations.localPicture(profile.picture) } : profile;
}

export function decorateState(state: SessionState, decorations: ShellDecorations): SessionState {
  return 'profile' in state ? { ...state, profile: decorateProfile(state.profile, decorations) } : state;
}

export function decorateHandlers(handlers: HandlerTable, decorations: ShellDecorations): HandlerTable {
  return {
    ...handlers,
    getSessionState: async (input) => decorateState(await handlers.getSessionState(input), decorations),
    recheckSession: async (input) => decorateState(await handlers.recheckSession(input), decorations),
    signIn: async (input) => decorateProfile(await handlers.signIn(input), decorations),
    getProfile: async (input) => decorateProfile(await handlers.getProfile(input), decorations),
    getDiagnostics: async (input) => ({
      ...(await handlers.getDiagnostics(input)),
      provider: decorations.provider,
    }),
  };
}

/** The session's subscribe, with every pushed state decorated the same way. */
export function decoratedSubscribe(
  session: Pick<SessionManager, 'subscribe'>,
  decorations: ShellDecorations,
): Pick<SessionManager, 'subscribe'> {
  return {
    subscribe: (listener) => session.subscribe((state) => listener(decorateState(state, decorations))),
  };
}

/** The provider picture URL of the current session, if any (what app://latchkey/avatar serves). */
export function currentPicture(session: Pick<SessionManager, 'getState'>): string | undefined {
  const state = session.getState();
  return 'profile' in state ? state.profile.picture : undefined;
}
