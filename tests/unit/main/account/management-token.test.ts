import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../../common/session-state';
import { createManagementTokenSource } from '../../../../main/account/management-token';
import type { AuthorizationResult } from '../../../../main/auth/types';
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

function rig(options: { browserSubject?: string; held?: AccountAccessToken } = {}) {
  let held = options.held;
  const authorizeCalls: Array<{ audience: string; scope: string }> = [];
  const kept: Array<AccountAccessToken | null> = [];
  const state: SessionState = {
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
    auth: {
      authorize: async (request): Promise<AuthorizationResult> => {
        authorizeCalls.push({ audience: request.audience, scope: request.scope });
        return {
          subject: options.browserSubject ?? ADA,
          tokens: { accessToken: 'mgmt-jwt', expiresAt: NOW + 86_400_000, tokenType: 'Bearer', scope: SCOPE },
        };
      },
    },
    session: {
      getState: () => state,
      accountAccess: () => held,
      keepAccountAccess: async (token, subject) => {
        if (subject !== ADA) return false;
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
});
