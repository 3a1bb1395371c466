import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../../common/session-state';
import { createManagementTokenSource } from '../../../../main/account/management-token';
import type { AuthorizationResult, SignInOptions } from '../../../../main/auth/types';
import { LatchkeyError } from '../../../../main/errors';
import type { AccountAccessToken } from '../../../../main/session/session-record';
import { rejectionOf } from '../../../fixtures/rejections';

/**
 * The Management API token's rules, with the browser step and the session replaced by fakes that
 * record what they were asked (the real ones: tests/integration/main/account/auth0-strict.test.ts).
 */

const AUDIENCE = 'https://tenant.eu.auth0.com/api/v2/';
const SCOPE = 'openid read:current_user update:current_user_metadata';
const ADA = 'auth0|ada';
const NOW = 1_800_000_000_000;

function rig(
  options: {
    browserSubject?: string;
    held?: AccountAccessToken;
    signedOut?: boolean;
    /** What keepAccountAccess answers: false when the session ended (or changed hands) meanwhile. */
    sessionKeeps?: boolean;
    /** Replaces the browser step (default: answers at once for `browserSubject`). */
    authorize?: (
      request: SignInOptions & { audience: string; scope: string },
    ) => Promise<AuthorizationResult>;
    grantedScope?: string;
    timeoutMs?: number;
    expiryLeewayMs?: number;
  } = {},
) {
  let held = options.held;
  const authorizeCalls: Array<{ audience: string; scope: string; timeoutMs?: number }> = [];
  const kept: Array<AccountAccessToken | null> = [];
  const state: SessionState = options.signedOut
    ? { status: 'signedOut', reason: { kind: 'signedOut' }, storage: { kind: 'keychain' } }
    : {
        status: 'signedIn',
        profile: { sub: ADA },
        validatedAt: NOW,
        accessTokenExpiresAt: NOW + 3_600_000,
        storage: { kind: 'keychain' },
      };
  const source = createManagementTokenSource({
    audience: AUDIENCE,
    scope: SCOPE,
    now: () => NOW,
    openExternal: async () => undefined,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.expiryLeewayMs !== undefined ? { expiryLeewayMs: options.expiryLeewayMs } : {}),
    auth: {
      authorize: async (request): Promise<AuthorizationResult> => {
        authorizeCalls.push({
          audience: request.audience,
          scope: request.scope,
          ...('timeoutMs' in request ? { timeoutMs: request.timeoutMs } : {}),
        });
        if (options.authorize) return options.authorize(request);
        const scope = 'grantedScope' in options ? options.grantedScope : SCOPE;
        return {
          subject: options.browserSubject ?? ADA,
          tokens: {
            accessToken: 'mgmt-jwt',
            expiresAt: NOW + 86_400_000,
            tokenType: 'Bearer',
            ...(scope !== undefined ? { scope } : {}),
          },
        };
      },
    },
    session: {
      getState: () => state,
      accountAccess: () => held,
      keepAccountAccess: async (token, subject) => {
        if (subject !== ADA || options.sessionKeeps === false) return false;
        kept.push(token);
        held = token ?? undefined;
        return true;
      },
    },
  });
  return { source, authorizeCalls, kept, held: () => held };
}

describe('the Management API token', () => {
  it('none held: AUTHORIZATION_REQUIRED says the browser will open, and nothing opens it yet', async () => {
    const r = rig();
    const error = await rejectionOf(r.source.withToken(async () => 'never'));
    expect(error.code).toBe('AUTHORIZATION_REQUIRED');
    expect(error.message).toMatch(/will open your browser once/);
    expect(r.authorizeCalls).toEqual([]);
  });

  it('authorize asks for the Management API audience and the current-user scopes, and keeps the token with the session', async () => {
    const r = rig();
    await r.source.authorize();
    expect(r.authorizeCalls).toEqual([{ audience: AUDIENCE, scope: SCOPE }]);
    expect(r.held()).toMatchObject({
      accessToken: 'mgmt-jwt',
      audience: AUDIENCE,
      expiresAt: NOW + 86_400_000,
    });
    const seen: string[] = [];
    await r.source.withToken(async (token, subject) => void seen.push(`${token} for ${subject}`));
    expect(seen).toEqual(['mgmt-jwt for auth0|ada']);
  });

  it('a browser signed in as someone else: refused (FORBIDDEN), and that token is not kept', async () => {
    const r = rig({ browserSubject: 'auth0|grace' });
    const error = await rejectionOf(r.source.authorize());
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/signed in to Auth0 as someone else/);
    expect(r.held()).toBeUndefined();
    expect(r.kept).toEqual([]);
  });

  it('an expired one is dropped and asked for again, without a request', async () => {
    const r = rig({ held: { accessToken: 'old', expiresAt: NOW + 30_000, audience: AUDIENCE } });
    let called = false;
    const error = await rejectionOf(r.source.withToken(async () => void (called = true)));
    expect(error.code).toBe('AUTHORIZATION_REQUIRED');
    expect(called).toBe(false);
    expect(r.kept).toEqual([null]);
  });

  it('one the users API refuses as expired or invalid is dropped (AUTHORIZATION_REQUIRED); a configuration refusal keeps it', async () => {
    const token = { accessToken: 'jwt', expiresAt: NOW + 86_400_000, audience: AUDIENCE };
    const expired = rig({ held: token });
    const refused = await rejectionOf(
      expired.source.withToken(async () => {
        throw new LatchkeyError(
          'ACCESS_TOKEN_REJECTED',
          'Expired token received for JSON Web Token validation',
        );
      }),
    );
    expect(refused.code).toBe('AUTHORIZATION_REQUIRED');
    expect(expired.held()).toBeUndefined();

    const misconfigured = rig({ held: token });
    const bad = await rejectionOf(
      misconfigured.source.withToken(async () => {
        throw new LatchkeyError('CONFIG_INVALID', 'Bad audience: https://elsewhere/');
      }),
    );
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(misconfigured.held()).toEqual(token);
  });

  it('a token for another audience (the settings changed) is not used', async () => {
    const r = rig({
      held: { accessToken: 'jwt', expiresAt: NOW + 86_400_000, audience: 'https://other/api/v2/' },
    });
    expect((await rejectionOf(r.source.withToken(async () => 'x'))).code).toBe('AUTHORIZATION_REQUIRED');
  });

  it('signed out: neither used nor asked for (NOT_SIGNED_IN), and the browser stays shut', async () => {
    const r = rig({
      signedOut: true,
      held: { accessToken: 'jwt', expiresAt: NOW + 86_400_000, audience: AUDIENCE },
    });
    expect((await rejectionOf(r.source.withToken(async () => 'x'))).code).toBe('NOT_SIGNED_IN');
    expect((await rejectionOf(r.source.authorize())).code).toBe('NOT_SIGNED_IN');
    expect(r.authorizeCalls).toEqual([]);
    expect(r.kept).toEqual([]);
  });

  it('says the permission expired (not that it is needed) when it drops a held token', async () => {
    const r = rig({ held: { accessToken: 'old', expiresAt: NOW - 1, audience: AUDIENCE } });
    const error = await rejectionOf(r.source.withToken(async () => 'x'));
    expect(error.message).toMatch(/has expired or was withdrawn/);
  });

  it('is treated as expired a minute early by default, and by the leeway given', async () => {
    const at = (msLeft: number, expiryLeewayMs?: number) =>
      rig({
        held: { accessToken: 'jwt', expiresAt: NOW + msLeft, audience: AUDIENCE },
        ...(expiryLeewayMs !== undefined ? { expiryLeewayMs } : {}),
      }).source.withToken(async (token) => token);
    await expect(at(60_001)).resolves.toBe('jwt');
    expect((await rejectionOf(at(60_000))).code).toBe('AUTHORIZATION_REQUIRED');
    await expect(at(5_001, 5_000)).resolves.toBe('jwt');
    expect((await rejectionOf(at(5_000, 5_000))).code).toBe('AUTHORIZATION_REQUIRED');
  });

  it('passes on any other failure of the call as it is, and keeps the token', async () => {
    const token = { accessToken: 'jwt', expiresAt: NOW + 86_400_000, audience: AUDIENCE };
    const r = rig({ held: token });
    const error = await rejectionOf(
      r.source.withToken(async () => {
        throw new LatchkeyError('NETWORK', 'offline');
      }),
    );
    expect(error.code).toBe('NETWORK');
    expect(r.held()).toEqual(token);
    expect(r.kept).toEqual([]);
  });

  it('gives the browser step the time it was configured with, and otherwise leaves it to the auth client', async () => {
    const timed = rig({ timeoutMs: 90_000 });
    await timed.source.authorize();
    expect(timed.authorizeCalls).toEqual([{ audience: AUDIENCE, scope: SCOPE, timeoutMs: 90_000 }]);
    const untimed = rig();
    await untimed.source.authorize();
    expect(untimed.authorizeCalls).toEqual([{ audience: AUDIENCE, scope: SCOPE }]);
  });

  it('keeps the granted scope when the provider says it, and none when it does not', async () => {
    const granted = rig({ grantedScope: 'read:current_user' });
    await granted.source.authorize();
    expect(granted.held()).toEqual({
      accessToken: 'mgmt-jwt',
      expiresAt: NOW + 86_400_000,
      audience: AUDIENCE,
      scope: 'read:current_user',
    });
    const silent = rig({ grantedScope: undefined });
    await silent.source.authorize();
    expect(silent.held()).toEqual({
      accessToken: 'mgmt-jwt',
      expiresAt: NOW + 86_400_000,
      audience: AUDIENCE,
    });
  });

  it('a session that ended during the browser step does not take the token (NOT_SIGNED_IN)', async () => {
    const r = rig({ sessionKeeps: false });
    expect((await rejectionOf(r.source.authorize())).code).toBe('NOT_SIGNED_IN');
    expect(r.held()).toBeUndefined();
  });

  it('a second "Continue in browser" replaces the first: the first is cancelled and only the second token is kept', async () => {
    const answers: Array<(subjectToken: string) => void> = [];
    const signals: AbortSignal[] = [];
    const r = rig({
      authorize: (request) =>
        new Promise((resolve) => {
          signals.push(request.signal!);
          answers.push((accessToken) =>
            resolve({
              subject: ADA,
              tokens: { accessToken, expiresAt: NOW + 86_400_000, tokenType: 'Bearer' },
            }),
          );
        }),
    });
    const first = r.source.authorize();
    const second = r.source.authorize();
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
    // The first browser step still comes back (its page was already open): its token is not used.
    answers[0]!('first-jwt');
    expect((await rejectionOf(first)).code).toBe('LOGIN_CANCELLED');
    answers[1]!('second-jwt');
    await second;
    expect(r.kept.map((token) => token?.accessToken)).toEqual(['second-jwt']);

    // Once it has finished, a third starts afresh without cancelling anything.
    const third = r.source.authorize();
    expect(signals[2]!.aborted).toBe(false);
    answers[2]!('third-jwt');
    await third;
    expect(signals[1]!.aborted).toBe(false);
  });
});
