/**
 * The IPC methods and the channel each travels on: the one list of them. No schema library here, so
 * the sandboxed preload bundles only these strings; common/contract.ts gives each method its input
 * schema and result type, checked against this list.
 */
export const CHANNELS = {
  getSessionState: 'latchkey:session:get',
  signIn: 'latchkey:session:sign-in',
  signInAnotherAccount: 'latchkey:session:sign-in-another-account',
  submitCallbackUrl: 'latchkey:session:submit-callback',
  cancelSignIn: 'latchkey:session:cancel-sign-in',
  reopenSignInPage: 'latchkey:session:reopen-sign-in',
  recheckSession: 'latchkey:session:recheck',
  signOut: 'latchkey:session:sign-out',
  getProfile: 'latchkey:account:profile',
  getMetadata: 'latchkey:account:metadata:get',
  updateMetadata: 'latchkey:account:metadata:update',
  authorizeAccountAccess: 'latchkey:account:authorize',
  getDiagnostics: 'latchkey:diagnostics',
  showLogs: 'latchkey:diagnostics:show-logs',
} as const;

export type MethodName = keyof typeof CHANNELS;

/** Every method, in contract order. */
export const METHOD_NAMES = Object.keys(CHANNELS) as MethodName[];

/** Main pushes every SessionState change on this channel; the renderer never polls. */
// Stryker disable next-line StringLiteral: equivalent: main and the preload both take the name from here, so any one name works
export const SESSION_STATE_EVENT = 'latchkey:session:state';
