import type { AuthClient, TokenSet, UserInfoClaims } from '../auth/types';
import { isLatchkeyError, LatchkeyError } from '../errors';
import { MESSAGES } from './messages';
import type { SessionRecord } from './record';
import { revokeGrant } from '../auth/revoke-grant';
import { requireSession, signedInPhase, type SessionContext } from './session-context';
import type { SessionPersistence } from './session-persistence';
import type { StatePublisher } from './state-publisher';

export type TokenOperation<T> = (accessToken: string, subject: string) => Promise<T>;

export interface TokenKeeper {
  /**
   * Runs `operation` with a usable access token (refreshed first when expired or about to be). A 401
   * from it (ACCESS_TOKEN_REJECTED) gets one refresh and one retry; a 401 on a token renewed for this
   * call ends the session (SESSION_EXPIRED, DESIGN.md). `onTokenFailure` hears every failure of the
   * token side (a refresh refused or unreachable, the 401 after a renewal) before it is thrown; the
   * operation's own other errors are thrown as they are.
   */
  withFreshToken<T>(
    operation: TokenOperation<T>,
    onTokenFailure?: (error: unknown) => Promise<void>,
  ): Promise<T>;
  /** Userinfo through withFreshToken. */
  fetchClaims(): Promise<UserInfoClaims>;
}

export interface TokenKeeperDeps {
  context: SessionContext;
  auth: AuthClient;
  persistence: SessionPersistence;
  publisher: StatePublisher;
  /** An access token is treated as expired this long before it does. */
  leewayMs: number;
}

/** Keeps the access token usable: single-flight refresh, saved before anyone gets the new token. */
export function createTokenKeeper(deps: TokenKeeperDeps): TokenKeeper {
  const { context, auth, persistence, publisher, leewayMs } = deps;
  let refreshing: Promise<SessionRecord> | null = null;

  function isFresh(tokens: TokenSet): boolean {
    return tokens.expiresAt - leewayMs > context.now();
  }

  /** One refresh at a time: every caller during a refresh shares its result. */
  function refreshTokens(): Promise<SessionRecord> {
    refreshing ??= runRefresh(context.epoch).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function runRefresh(startedEpoch: number): Promise<SessionRecord> {
    const current = requireSession(context);
    const refreshToken = current.tokens.refreshToken;
    if (!refreshToken) throw new LatchkeyError('SESSION_EXPIRED', MESSAGES.noRefreshToken);
    const tokens = await auth.refresh(refreshToken, current.subject);
    const next: SessionRecord = {
      ...current,
      tokens: {
        ...tokens,
        // RFC 6749 §6: the provider may keep the refresh token (no new one issued) and the ID token.
        refreshToken: tokens.refreshToken ?? refreshToken,
        idToken: tokens.idToken ?? current.tokens.idToken,
      },
      savedAt: context.now(),
    };
    if (startedEpoch === context.epoch) {
      // Before anyone uses the new access token: once rotated, only this refresh token works.
      await persistence.persist(next);
    }
    if (startedEpoch !== context.epoch) {
      // Signed out (or replaced) while the refresh was in flight: the new grant must not linger.
      void revokeGrant(auth, next.tokens).catch(() => undefined);
      throw new LatchkeyError('NOT_SIGNED_IN', MESSAGES.notSignedIn);
    }
    context.session = next;
    context.lastRefreshAt = context.now();
    if (publisher.phase.status === 'signedIn') publisher.setPhase(signedInPhase(context, next));
    context.log.info('session: access token renewed');
    return next;
  }

  async function usableRecord(): Promise<{ record: SessionRecord; refreshed: boolean }> {
    if (refreshing) return { record: await refreshing, refreshed: true };
    const current = requireSession(context);
    if (isFresh(current.tokens)) return { record: current, refreshed: false };
    return { record: await refreshTokens(), refreshed: true };
  }

  async function refreshAfterRejection(rejected: SessionRecord): Promise<SessionRecord> {
    if (refreshing) return refreshing;
    const current = requireSession(context);
    if (current.tokens.accessToken !== rejected.tokens.accessToken) return current;
    return refreshTokens();
  }

  async function withFreshToken<T>(
    operation: TokenOperation<T>,
    onTokenFailure: (error: unknown) => Promise<void> = async () => undefined,
  ): Promise<T> {
    const tokenStep = async <R>(step: () => Promise<R>): Promise<R> => {
      try {
        return await step();
      } catch (error) {
        await onTokenFailure(error);
        throw error;
      }
    };
    let { record, refreshed } = await tokenStep(usableRecord);
    for (;;) {
      try {
        return await operation(record.tokens.accessToken, record.subject);
      } catch (error) {
        if (!isLatchkeyError(error, 'ACCESS_TOKEN_REJECTED')) throw error;
        if (refreshed) {
          const ended = new LatchkeyError('SESSION_EXPIRED', MESSAGES.rejectedAfterRefresh, { cause: error });
          return tokenStep(() => Promise.reject(ended));
        }
      }
      const rejected = record;
      record = await tokenStep(() => refreshAfterRejection(rejected));
      refreshed = true;
    }
  }

  function fetchClaims(): Promise<UserInfoClaims> {
    return withFreshToken((accessToken, subject) => auth.userinfo(accessToken, subject));
  }

  return { withFreshToken, fetchClaims };
}
