/**
 * The IPC channel names, and nothing else: no schema library, so the sandboxed preload bundles only
 * these strings. common/contract.ts pairs each with its input schema and result type.
 */
export const CHANNELS = {
  getSessionState: 'latchkey:session:get',
  signIn: 'latchkey:session:sign-in',
  cancelSignIn: 'latchkey:session:cancel-sign-in',
  reopenSignInPage: 'latchkey:session:reopen-sign-in',
  recheckSession: 'latchkey:session:recheck',
  signOut: 'latchkey:session:sign-out',
  getProfile: 'latchkey:account:profile',
  getMetadata: 'latchkey:account:metadata:get',
  updateMetadata: 'latchkey:account:metadata:update',
  getDiagnostics: 'latchkey:diagnostics',
} as const;

export type ChannelMethod = keyof typeof CHANNELS;

/** Every method, in contract order. */
export const CHANNEL_METHODS = Object.keys(CHANNELS) as ChannelMethod[];

/** Main pushes every SessionState change on this channel; the renderer never polls. */
export const SESSION_STATE_EVENT = 'latchkey:session:state';
