import type { SessionStorage } from '../common/session-state';
import { Announcer } from './components/Announcer';
import { DemoProviderBanner } from './components/DemoProviderBanner';
import { Notice } from './components/Notice';
import { AccountScreen } from './screens/AccountScreen';
import { RestoringScreen } from './screens/RestoringScreen';
import { SignedOutScreen } from './screens/SignedOutScreen';
import { SigningInScreen } from './screens/SigningInScreen';
import { StorageNotice } from './components/StorageNotice';
import { ThemePicker } from './components/ThemePicker';
import { useSessionState } from './use-session-state';

/** One screen per session status, under the demo banner when the local provider is in use. */
export function App() {
  return (
    <>
      <DemoProviderBanner />
      <SessionScreen />
      <footer className="app-footer">
        <ThemePicker />
      </footer>
    </>
  );
}

/** Main decides the status; the renderer only shows it, and the announcer says each change once. */
function SessionScreen() {
  const view = useSessionState();
  return (
    <>
      <Announcer state={view.kind === 'ready' ? view.state : null} />
      <SessionView view={view} />
    </>
  );
}

function SessionView({ view }: { view: ReturnType<typeof useSessionState> }) {
  if (view.kind === 'loading') {
    return (
      <main className="screen screen-narrow" data-screen="loading" aria-busy="true">
        <p role="status">Starting Latchkey…</p>
      </main>
    );
  }
  if (view.kind === 'failed') {
    return (
      <main className="screen screen-narrow" data-screen="failed">
        <h1 className="screen-title">Latchkey could not start</h1>
        <Notice tone="error" title="What happened" live>
          <p>{view.error.message}</p>
          <p>Close Latchkey and open it again. If this keeps happening, the log has the details.</p>
        </Notice>
      </main>
    );
  }
  const { state } = view;
  switch (state.status) {
    case 'signedOut':
      return (
        <>
          <SignedOutScreen reason={state.reason} storage={state.storage} />
          <StorageFooter state={state} />
        </>
      );
    case 'signingIn':
      return (
        <SigningInScreen
          authorizationUrl={state.authorizationUrl}
          expiresAt={state.expiresAt}
          redirect={state.redirect}
        />
      );
    case 'restoring':
      return (
        <>
          <RestoringScreen profile={state.profile} />
          <StorageFooter state={state} />
        </>
      );
    case 'signedIn':
    case 'offline':
      // Keyed by person: another account's session starts with a fresh screen and editor.
      return <AccountScreen key={state.profile.sub} state={state} />;
  }
}

/** Outside the account screen the keychain problem still matters: the next sign-in will not persist. */
function StorageFooter({ state }: { state: { storage: SessionStorage } }) {
  if (state.storage.kind !== 'memory') return null;
  return (
    <aside className="screen screen-narrow" aria-label="Session storage">
      <StorageNotice storage={state.storage} />
    </aside>
  );
}
