import type { AuthClient } from '../auth/types';
import { LatchkeyError, loginCancelled } from '../errors';
import type { Logger } from '../log';
import type { SessionManager } from '../session/session-manager';
import type { AccountAccessToken } from '../session/session-record';
import type { AccountTokenSource } from './account-client';

/**
 * The Auth0 Management API token that reading and saving the person's details need, kept apart from
 * the session (docs/ARCHITECTURE.md, "Two tokens on Auth0").
 *
 * Why apart: Auth0 issues no refresh token for its Management API (Allow Offline Access is off and
 * cannot be changed on it, https://auth0.com/docs/get-started/apis/api-settings; multi-resource
 * refresh tokens exclude it, https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token),
 * so the session signs in without it and renews; this token is got by a second authorization
 * request with `audience=https://{tenant}/api/v2/` and the `*:current_user*` scopes, the
 * user-context way Auth0 documents (https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens/get-management-api-tokens-for-single-page-applications).
 * It cannot be renewed silently: prompt=none is refused for loopback callbacks once Auth0's
 * confirmation prompt is on (https://auth0.com/docs/troubleshoot/product-lifecycle/deprecations-and-migrations/migrate-to-non-verifiable-callback-uri-end-user-confirmation),
 * so each one costs a visible browser step, asked for only after the page has said so
 * (AUTHORIZATION_REQUIRED → "Continue in browser" → authorize()).
 *
 * It is kept with the session's record in the keychain until it expires (Management API
 * token_lifetime, 86,400 s by default) and dropped when the users API says it is expired or invalid.
 * It is never the session's reason to end: its failures stay here.
 */
export interface ManagementTokenOptions {
  auth: Pick<AuthClient, 'authorize'>;
  session: Pick<SessionManager, 'getState' | 'accountAccess' | 'keepAccountAccess'>;
  /** https://{canonical tenant domain}/api/v2/ */
  audience: string;
  scope: string;
  openExternal: (url: string) => Promise<void>;
  now?: () => number;
  /** Treated as expired this long before it does (default 60 s, as the session's token). */
  expiryLeewayMs?: number;
  /** How long the browser step waits (default: the auth client's sign-in timeout). */
  timeoutMs?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_LEEWAY_MS = 60_000;

const MESSAGES = {
  needed:
    "Your details are kept by Auth0's Management API, which needs its own permission. Latchkey will open " +
    "your browser once; you may see an 'Authorize App' page to accept.",
  expired:
    "Auth0's permission for your details has expired or was withdrawn. Latchkey will open your browser " +
    "once more to get a new one; you may see an 'Authorize App' page to accept.",
  otherPerson:
    'Your browser is signed in to Auth0 as someone else than this session, so Latchkey did not use the ' +
    'permission it gave. Sign out of Auth0 in your browser (or sign in there with the account shown ' +
    'here), then choose "Continue in browser" again.',
  notSignedIn: 'You are not signed in.',
} as const;

function currentSubject(session: Pick<SessionManager, 'getState'>): string {
  const state = session.getState();
  if (!('profile' in state)) throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
  return state.profile.sub;
}

export function createManagementTokenSource(options: ManagementTokenOptions): AccountTokenSource {
  const { auth, session, audience, scope, openExternal } = options;
  const now = options.now ?? Date.now;
  const leewayMs = options.expiryLeewayMs ?? DEFAULT_LEEWAY_MS;
  const log = options.log ?? { info: () => undefined, warn: () => undefined };
  let pending: AbortController | null = null;

  function usable(token: AccountAccessToken | undefined): token is AccountAccessToken {
    return token !== undefined && token.audience === audience && token.expiresAt - leewayMs > now();
  }

  return {
    async withToken(operation) {
      const subject = currentSubject(session);
      const token = session.accountAccess();
      if (!usable(token)) {
        if (token) await session.keepAccountAccess(null, subject);
        throw new LatchkeyError('AUTHORIZATION_REQUIRED', token ? MESSAGES.expired : MESSAGES.needed);
      }
      try {
        return await operation(token.accessToken, subject);
      } catch (error) {
        // Expired or invalid ("Expired token received for JSON Web Token validation", "Invalid
        // token"): this token only. Configuration refusals (Bad audience/issuer) arrive as
        // CONFIG_INVALID and keep it (main/account/account-client.ts).
        if (error instanceof LatchkeyError && error.code === 'ACCESS_TOKEN_REJECTED') {
          log.info('account: the Management API token was refused; it is dropped and asked for again');
          await session.keepAccountAccess(null, subject);
          throw new LatchkeyError('AUTHORIZATION_REQUIRED', MESSAGES.expired, { cause: error });
        }
        throw error;
      }
    },

    async authorize() {
      const subject = currentSubject(session);
      // A second "Continue in browser" replaces the first attempt, as a second "Sign in" does.
      pending?.abort();
      const mine = new AbortController();
      pending = mine;
      try {
        const result = await auth.authorize({
          openExternal,
          signal: mine.signal,
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          audience,
          scope,
        });
        if (pending !== mine) throw loginCancelled();
        // A browser signed in as another person must never hand this session someone else's
        // details: the ID token of this authorization names whom the token is for.
        if (result.subject !== subject) {
          log.warn('account: the browser step signed in another person; its token was not kept');
          throw new LatchkeyError('FORBIDDEN', MESSAGES.otherPerson);
        }
        const token: AccountAccessToken = {
          accessToken: result.tokens.accessToken,
          expiresAt: result.tokens.expiresAt,
          audience,
          ...(result.tokens.scope ? { scope: result.tokens.scope } : {}),
        };
        if (!(await session.keepAccountAccess(token, subject)))
          throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
      } finally {
        if (pending === mine) pending = null;
      }
    },
  };
}
