import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { ProviderMetadata } from '../../../../main/auth/types';
import { obtainTokens, resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { codeOf } from '../../../fixtures/rejections';
import { settingsFor } from './provider-settings';

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

beforeAll(async () => {
  ada = resolveAccount(suite.idp, 'ada');
  const client = createAuthClient(settingsFor(suite.idp));
  await client.discover();
  current = client.knownMetadata()!;
});

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
