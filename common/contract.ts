import { z } from 'zod';
import type { MethodName } from './channels';
import type { Diagnostics } from './diagnostics';
import type { ErrorInfo } from './errors';
import { metadataPatchSchema, type UserMetadata } from './metadata';
import type { Profile, SessionState, SignOutReport } from './session-state';

/**
 * The IPC contract: one table that main (ipc.ts), preload and the renderer all derive their types
 * from. Each method of the list in common/channels.ts gets the schema its input must pass in main
 * and its result type. Nothing here may carry a token, an authorization code or a PKCE verifier.
 */

/** What every IPC call resolves to. The call itself never rejects: failures are values with a code. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** A phantom marker for a result type: carries the type, holds nothing at run time. */
// Stryker disable next-line ArrowFunction: equivalent: both return undefined; only the type matters
const returns = <T>() => undefined as unknown as T;
const noInput = z.undefined();

export const contract = {
  getSessionState: { input: noInput, output: returns<SessionState>() },
  signIn: { input: noInput, output: returns<Profile>() },
  /** "Use a different account": the provider shows its account picker or login page (prompt). */
  signInAnotherAccount: { input: noInput, output: returns<Profile>() },
  /**
   * The callback address pasted by a person whose browser could not reach the app (a firewall on the
   * loopback port), judged by the loopback receiver's one rule. Bounded like any address a browser
   * sends (the callback carries a code and a state, a few hundred characters).
   */
  submitCallbackUrl: {
    input: z.object({ url: z.string().min(1).max(4096) }).strict(),
    output: returns<void>(),
  },
  cancelSignIn: { input: noInput, output: returns<void>() },
  reopenSignInPage: { input: noInput, output: returns<void>() },
  recheckSession: { input: noInput, output: returns<SessionState>() },
  /**
   * Signs out and says what was done (SignOutReport). Already signed out, `everywhere` still opens
   * the provider's sign-out page: what the signed-out screen offers when the refresh token could not
   * be revoked.
   */
  signOut: { input: z.object({ everywhere: z.boolean() }).strict(), output: returns<SignOutReport>() },
  getProfile: { input: noInput, output: returns<Profile>() },
  getMetadata: { input: noInput, output: returns<UserMetadata>() },
  updateMetadata: {
    input: z.object({ patch: metadataPatchSchema }).strict(),
    output: returns<UserMetadata>(),
  },
  /**
   * Opens the browser for the permission the details need where the session alone does not carry it
   * (Auth0: a Management API token, got by a second authorization); resolves once it is held. Called
   * only after the page has said that the browser will open (the AUTHORIZATION_REQUIRED answer).
   */
  authorizeAccountAccess: { input: noInput, output: returns<void>() },
  getDiagnostics: { input: noInput, output: returns<Diagnostics>() },
  /** Opens the folder holding Latchkey's log in the file manager (no path crosses IPC). */
  showLogs: { input: noInput, output: returns<void>() },
} as const satisfies Record<MethodName, { input: z.ZodType; output: unknown }>;

type Contract = typeof contract;
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
