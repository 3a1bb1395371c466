import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { ProviderMetadata } from '../../../../main/auth/types';
import { obtainTokens, resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { startCaptureServer, type CaptureServer } from '../../../fixtures/capture-server';
import { codeOf } from '../../../fixtures/rejections';
import { settingsFor } from '../../../fixtures/provider-settings';

/**
 * The endpoints a session record carries from an earlier run (AuthClient.useSavedMetadata), against
 * the real local provider. Saved metadata can go stale (the provider moved an endpoint, or signs ID
 * tokens with an algorithm the trimmed copy does not name): a failure on it must lead back to
 * discovery, or a restored session would stay "offline" for the whole run, and the stale copy would
 * be written back to the keychain for the next launch too.
 */

const suite = useLocalProvider();
let ada: DemoAccount;
let current: ProviderMetadata;
/** Another service on this computer: a different origin than the issuer, reachable without a network. */
let attacker: CaptureServer;

beforeAll(async () => {
  attacker = await startCaptureServer();
  ada = resolveAccount(suite.idp, 'ada');
  const client = createAuthClient(settingsFor(suite.idp));
  await client.discover();
  current = client.knownMetadata()!;
});

afterAll(() => attacker.close());

function discoveryRequests(): number {
  return suite.idp.requestLog.filter((entry) => entry.path === '/.well-known/openid-configuration').length;
}

describe('saved provider metadata', () => {
  it('is used without a discovery request while it works', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata(current);
    const before = discoveryRequests();
    expect((await client.userinfo(tokens.access_token, ada.sub)).sub).toBe(ada.sub);
    expect(discoveryRequests() - before).toBe(0);
  });

  it('a call that fails on a stale saved endpoint makes the next call discover afresh (userinfo)', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata({ ...current, userinfo_endpoint: `${suite.idp.issuer}/moved-away/me` });
    const before = discoveryRequests();

    expect(await codeOf(client.userinfo(tokens.access_token, ada.sub))).not.toBe('SESSION_EXPIRED');
    // The stale copy is not offered for saving any more.
    expect(client.knownMetadata()?.userinfo_endpoint).not.toBe(`${suite.idp.issuer}/moved-away/me`);

    expect((await client.userinfo(tokens.access_token, ada.sub)).sub).toBe(ada.sub);
    expect(discoveryRequests() - before).toBe(1);
    expect(client.knownMetadata()?.userinfo_endpoint).toBe(current.userinfo_endpoint);
  });

  it('a refresh that fails on a stale saved token endpoint succeeds on the next try, after discovery', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata({ ...current, token_endpoint: `${suite.idp.issuer}/moved-away/token` });

    expect(await codeOf(client.refresh(tokens.refresh_token!))).not.toBe('SESSION_EXPIRED');
    const renewed = await client.refresh(tokens.refresh_token!);
    expect(renewed.accessToken).not.toBe(tokens.access_token);
  });

  it('a refused grant on saved metadata is the answer, not a reason to discover again', async () => {
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata(current);
    const before = discoveryRequests();
    expect(await codeOf(client.refresh('not-a-refresh-token'))).toBe('SESSION_EXPIRED');
    expect(await codeOf(client.refresh('not-a-refresh-token'))).toBe('SESSION_EXPIRED');
    expect(discoveryRequests() - before).toBe(0);
  });
});

describe('saved provider metadata from a tampered keychain record', () => {
  // The record names the right issuer (so it passes the record checks) but sends one endpoint
  // elsewhere. Only the provider's own discovery may vouch for an endpoint off the issuer origin.

  /** Every URL the client requested, through the real fetch (recorded, not replaced). */
  function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    return {
      urls,
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    };
  }

  it('never sends the refresh token to a saved token endpoint off the issuer origin: discovery decides', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata({ ...current, token_endpoint: `${attacker.url}/token` });
    const before = discoveryRequests();

    const renewed = await client.refresh(tokens.refresh_token!).catch((error: unknown) => error);

    // Checked first, so that a failure shows what the other origin was sent.
    expect(attacker.requests.map((request) => `${request.method} ${request.url} ${request.body}`)).toEqual(
      [],
    );
    expect((renewed as { accessToken?: string }).accessToken).toMatch(/./);
    expect((renewed as { accessToken?: string }).accessToken).not.toBe(tokens.access_token);
    expect(discoveryRequests() - before).toBe(1);
    expect(client.knownMetadata()?.token_endpoint).toBe(current.token_endpoint);
  });

  it('never sends the access token to a saved userinfo endpoint, nor the refresh token to a revocation endpoint, off the issuer origin', async () => {
    const tokens = await obtainTokens(suite.idp, ada);
    const userinfo = createAuthClient(settingsFor(suite.idp));
    userinfo.useSavedMetadata({ ...current, userinfo_endpoint: `${attacker.url}/me` });
    const claims = await userinfo.userinfo(tokens.access_token, ada.sub).catch((error: unknown) => error);

    const revoke = createAuthClient(settingsFor(suite.idp));
    revoke.useSavedMetadata({ ...current, revocation_endpoint: `${attacker.url}/revoke` });
    await revoke
      .revokeGrant({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token! })
      .catch(() => undefined);

    expect(
      attacker.requests.map(
        (request) =>
          `${request.method} ${request.url} ${request.headers.authorization ?? ''} ${request.body}`,
      ),
    ).toEqual([]);
    expect((claims as { sub?: string }).sub).toBe(ada.sub);
    // The grant really was revoked, at the provider.
    expect(await codeOf(revoke.refresh(tokens.refresh_token!))).toBe('SESSION_EXPIRED');
  });

  it('never builds the logout URL (with id_token_hint) on a saved end-session endpoint off the issuer origin', async () => {
    const client = createAuthClient(settingsFor(suite.idp));
    client.useSavedMetadata({ ...current, end_session_endpoint: `${attacker.url}/logout` });
    const url = new URL(await client.endSessionUrl({ idTokenHint: 'id-token-of-ada' }));
    expect(url.origin).toBe(new URL(suite.idp.issuer).origin);
  });

  it.each([
    ['an https host', 'https://evil.example/token'],
    ['a look-alike host', `https://127.0.0.1.evil.example/token`],
    ['plain http to another machine', 'http://192.0.2.10/token'],
    ['another port of this computer', 'http://localhost:1/token'],
  ])('never requests a saved token endpoint on %s', async (_what, endpoint) => {
    const tokens = await obtainTokens(suite.idp, ada);
    const recorder = recordingFetch();
    const client = createAuthClient(settingsFor(suite.idp), { fetch: recorder.fetch });
    client.useSavedMetadata({ ...current, token_endpoint: endpoint });
    await client.refresh(tokens.refresh_token!).catch(() => undefined);
    expect(recorder.urls.filter((url) => url.startsWith(new URL(endpoint).origin))).toEqual([]);
    expect(recorder.urls).toContain(current.token_endpoint);
  });
});
