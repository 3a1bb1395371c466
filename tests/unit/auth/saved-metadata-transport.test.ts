import { describe, expect, it } from 'vitest';
import { createAuthClient } from '../../../main/auth/client';
import type { ProviderMetadata, ProviderSettings } from '../../../main/auth/types';
import { codeOf } from '../../fixtures/rejections';

/**
 * Saved metadata (AuthClient.useSavedMetadata) follows the same transport rule as discovery:
 * `allowInsecureRequests` only for an http issuer on loopback (RFC 9700 §2.6, RFC 8252 §8.3). A saved
 * copy with a plain-http endpoint for an https issuer must never be called.
 */

const settings: ProviderSettings = {
  issuer: 'https://login.example.com/',
  clientId: 'abc123',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
};

const requests: string[] = [];
// Records instead of reaching the network: every request these tests expect to be refused.
const recordingFetch: typeof fetch = async (input) => {
  requests.push(String(input));
  throw new Error('no request may be made');
};

describe('saved metadata transport rules', () => {
  it('refuses plain-http saved endpoints of an https issuer before any request (CONFIG_INVALID)', async () => {
    requests.length = 0;
    const saved: ProviderMetadata = {
      issuer: settings.issuer,
      token_endpoint: 'http://login.example.com/oauth/token',
      userinfo_endpoint: 'http://login.example.com/userinfo',
    };
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata(saved);
    expect(await codeOf(client.userinfo('access', 'sub'))).toBe('CONFIG_INVALID');
    expect(requests).toEqual([]);
  });

  it('ignores saved metadata that names another issuer', () => {
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({ issuer: 'https://elsewhere.example.com/', token_endpoint: 'https://x/t' });
    expect(client.knownMetadata()).toBeNull();
  });
});
