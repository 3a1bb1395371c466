import type { HandlerTable } from '../common/contract';
import type { AccountClient } from './account/account-client';
import type { SessionManager } from './session/types';

export interface HandlerDeps {
  session: SessionManager;
  account: AccountClient;
}

/**
 * The one handler table: main/electron/ipc.ts registers exactly these functions on ipcMain, and the tests and
 * the browser harness call them directly. Inputs arrive parsed (the IPC wrapper validated them);
 * failures throw LatchkeyError and the wrapper turns them into coded results.
 */
export function createHandlerTable({ session, account }: HandlerDeps): HandlerTable {
  return {
    getSessionState: async () => session.getState(),
    signIn: () => session.signIn(),
    cancelSignIn: async () => session.cancelSignIn(),
    reopenSignInPage: () => session.reopenSignInPage(),
    recheckSession: () => session.recheck(),
    signOut: ({ everywhere }) => session.signOut({ everywhere }),
    getProfile: () => session.fetchProfile(),
    getMetadata: () => account.getMetadata(),
    updateMetadata: ({ patch }) => account.updateMetadata(patch),
    getDiagnostics: async () => session.diagnostics(),
  };
}
