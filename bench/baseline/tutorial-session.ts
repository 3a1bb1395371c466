/**
 * The baseline: session handling as the Auth0 "User Sessions" tutorial teaches it
 * (/work/shared/reference/user-sessions-tutorial.md), written the way a desktop app following it
 * with openid-client and keytar would be. It is not Latchkey with parts removed; it is the
 * tutorial's own logic, done honestly:
 *
 * - every launch discovers the provider (openid-client keeps its configuration in memory only);
 * - on startup, "check accessToken existence", then validate it with userinfo; only when that
 *   fails, read the refresh token and renew, then userinfo again;
 * - one keychain item per token (`access_token`, `refresh_token`);
 * - metadata: PATCH, then GET to show what is stored ("Retrieving User Metadata");
 * - any call that gets a 401 renews on its own (the tutorial has no shared refresh);
 * - a failed renewal clears the keychain and asks for a new login; sign-out clears the keychain.
 *
 * Kinder than the tutorial in one place, so that it keeps working against a provider that rotates
 * refresh tokens (RFC 9700 §4.14.2): after a renewal it also stores the rotated refresh token (the
 * tutorial stores only the new access token, which would make the next renewal fail).
 */
import * as oidc from 'openid-client';
import type { MetadataPatch, UserMetadata } from '../../common/metadata';
import type { ProviderSettings } from '../../main/auth/types';
import { receiveCallback } from './loopback';
import type { TutorialKeychain } from './tutorial-keychain';

export interface TutorialProfile {
  sub: string;
  name?: string;
  email?: string;
  picture?: string;
}

export class TutorialSessionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TutorialSessionError';
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export interface TutorialSession {
  /** Startup: discovery, the stored access token, userinfo (renewing after a 401). */
  launch(): Promise<TutorialProfile | null>;
  signIn(openExternal: (url: string) => Promise<void>): Promise<TutorialProfile>;
  getMetadata(): Promise<UserMetadata>;
  updateMetadata(patch: MetadataPatch): Promise<UserMetadata>;
  signOut(): Promise<void>;
}

export function createTutorialSession(options: {
  settings: ProviderSettings;
  keychain: TutorialKeychain;
}): TutorialSession {
  const { settings, keychain } = options;
  const usersApi = settings.usersApi.kind === 'auth0' ? settings.usersApi.baseUrl.replace(/\/+$/, '') : null;
  let config: oidc.Configuration | null = null;
  let accessToken: string | null = null;
  let profile: TutorialProfile | null = null;

  async function configuration(): Promise<oidc.Configuration> {
    config ??= await oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.None(), {
      // The local provider is plain http on loopback (RFC 8252 §8.3), as for Latchkey.
      execute: new URL(settings.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    });
    return config;
  }

  async function fetchProfile(token: string): Promise<TutorialProfile> {
    // The tutorial's `userInfo(token:)` knows no expected subject.
    const claims = await oidc.fetchUserInfo(await configuration(), token, oidc.skipSubjectCheck);
    profile = { sub: claims.sub, name: claims.name, email: claims.email, picture: claims.picture };
    return profile;
  }

  /** "Use the refreshToken to get a new accessToken"; on failure "clear all stored values". */
  async function renew(): Promise<string> {
    const refreshToken = await keychain.string('refresh_token');
    if (!refreshToken) {
      await keychain.clearAll();
      throw new TutorialSessionError('No refresh token stored: sign in again.');
    }
    let tokens: oidc.TokenEndpointResponse;
    try {
      tokens = await oidc.refreshTokenGrant(await configuration(), refreshToken);
    } catch (error) {
      accessToken = null;
      await keychain.clearAll();
      throw new TutorialSessionError('The refresh token was refused: sign in again.', statusOf(error), {
        cause: error,
      });
    }
    accessToken = tokens.access_token;
    await keychain.setString(tokens.access_token, 'access_token');
    if (tokens.refresh_token) await keychain.setString(tokens.refresh_token, 'refresh_token');
    return tokens.access_token;
  }

  /** A users API call with the access token; a 401 renews and retries once. */
  async function withToken<T>(call: (token: string, subject: string) => Promise<T>): Promise<T> {
    if (!accessToken || !profile) throw new TutorialSessionError('Not signed in.');
    const subject = profile.sub;
    try {
      return await call(accessToken, subject);
    } catch (error) {
      if (statusOf(error) !== 401) throw error;
    }
    return call(await renew(), subject);
  }

  async function usersApiCall(
    token: string,
    subject: string,
    init: RequestInit,
    query = '',
  ): Promise<unknown> {
    if (!usersApi) throw new TutorialSessionError('This provider has no users API.');
    const response = await fetch(`${usersApi}/users/${encodeURIComponent(subject)}${query}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const body = (await response.json()) as { user_metadata?: UserMetadata };
    if (!response.ok) throw new TutorialSessionError(`users API: HTTP ${response.status}`, response.status);
    return body;
  }

  const readMetadata = async (token: string, subject: string): Promise<UserMetadata> => {
    const user = (await usersApiCall(
      token,
      subject,
      { method: 'GET' },
      '?fields=user_metadata&include_fields=true',
    )) as {
      user_metadata?: UserMetadata;
    };
    return user.user_metadata ?? {};
  };

  return {
    async launch() {
      await configuration();
      const stored = await keychain.string('access_token');
      if (!stored) return null;
      accessToken = stored;
      try {
        await fetchProfile(stored);
      } catch (error) {
        if (statusOf(error) !== 401) throw error;
        // "accessToken has expired or no longer valid": renew, then fetch the profile again.
        try {
          await fetchProfile(await renew());
        } catch (renewError) {
          if (renewError instanceof TutorialSessionError) return null;
          throw renewError;
        }
      }
      return profile;
    },

    async signIn(openExternal) {
      const configured = await configuration();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const { redirectUri, callback } = await receiveCallback();
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: settings.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      if (settings.audience) parameters.audience = settings.audience;
      await openExternal(oidc.buildAuthorizationUrl(configured, parameters).href);
      const tokens = await oidc.authorizationCodeGrant(configured, await callback, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      accessToken = tokens.access_token;
      const signedIn = await fetchProfile(tokens.access_token);
      // "On Login: Store the user's token": one item per token.
      await keychain.setString(tokens.access_token, 'access_token');
      if (tokens.refresh_token) await keychain.setString(tokens.refresh_token, 'refresh_token');
      return signedIn;
    },

    getMetadata: () => withToken(readMetadata),

    updateMetadata: (patch) =>
      withToken(async (token, subject) => {
        await usersApiCall(token, subject, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user_metadata: patch }),
        });
        // The tutorial's "Retrieving User Metadata" after the update, to show what is stored.
        return readMetadata(token, subject);
      }),

    async signOut() {
      accessToken = null;
      profile = null;
      await keychain.clearAll();
    },
  };
}
