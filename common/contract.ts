import { z } from 'zod';
import { CHANNELS, SESSION_STATE_EVENT } from './channels';
import type { Diagnostics } from './diagnostics';
import { metadataPatchSchema, type UserMetadata } from './metadata';
import type { Result } from './result';
import type { Profile, SessionState } from './session-state';

/**
 * The IPC contract: one table that main (ipc.ts), preload and the renderer all derive their types
 * from. Each entry names its channel, the schema its input must pass in main, and its result type.
 * Nothing here may carry a token, an authorization code or a PKCE verifier.
 */

/** A phantom marker for a result type: carries the type, holds nothing at run time. */
const returns = <T>() => undefined as unknown as T;
const noInput = z.undefined();

export const contract = {
  getSessionState: { channel: CHANNELS.getSessionState, input: noInput, output: returns<SessionState>() },
  signIn: { channel: CHANNELS.signIn, input: noInput, output: returns<Profile>() },
  cancelSignIn: { channel: CHANNELS.cancelSignIn, input: noInput, output: returns<void>() },
  reopenSignInPage: { channel: CHANNELS.reopenSignInPage, input: noInput, output: returns<void>() },
  recheckSession: { channel: CHANNELS.recheckSession, input: noInput, output: returns<SessionState>() },
  signOut: {
    channel: CHANNELS.signOut,
    input: z.object({ everywhere: z.boolean() }).strict(),
    output: returns<void>(),
  },
  getProfile: { channel: CHANNELS.getProfile, input: noInput, output: returns<Profile>() },
  getMetadata: { channel: CHANNELS.getMetadata, input: noInput, output: returns<UserMetadata>() },
  updateMetadata: {
    channel: CHANNELS.updateMetadata,
    input: z.object({ patch: metadataPatchSchema }).strict(),
    output: returns<UserMetadata>(),
  },
  getDiagnostics: { channel: CHANNELS.getDiagnostics, input: noInput, output: returns<Diagnostics>() },
} as const satisfies Record<keyof typeof CHANNELS, { channel: string; input: z.ZodType; output: unknown }>;

/** Main pushes every SessionState change on this channel; the renderer never polls. */
export { SESSION_STATE_EVENT };

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<K extends MethodName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends MethodName> = z.output<Contract[K]['input']>;
export type MethodOutput<K extends MethodName> = Contract[K]['output'];

/** What `window.latchkey` offers the renderer. Methods with no input take no argument. */
export type LatchkeyApi = {
  [K in MethodName]: MethodInput<K> extends undefined
    ? () => Promise<Result<MethodOutput<K>>>
    : (input: MethodInput<K>) => Promise<Result<MethodOutput<K>>>;
} & {
  /** Calls `listener` on every state change; returns the function that stops it. */
  onSessionState(listener: (state: SessionState) => void): () => void;
};

/** The main-process side: one function per method, given parsed input; failures throw coded errors. */
export type HandlerTable = {
  [K in MethodName]: (input: ParsedInput<K>) => Promise<MethodOutput<K>>;
};

export const METHOD_NAMES = Object.keys(contract) as MethodName[];
