import { describe, expect, it } from 'vitest';
import { createAuthClient } from '../../../main/auth/client';
import type { ProviderSettings } from '../../../main/auth/types';
import { codeOf } from '../../fixtures/rejections';

const base: ProviderSettings = {
  issuer: 'https://latchkey.eu.auth0.com/',
  clientId: 'abc123',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
};

describe('createAuthClient with unusable settings', () => {
  // No request is made in these cases: a fetch that fails the test if called proves it.
  const noNetwork: typeof fetch = async () => {
    throw new Error('no request may be made for invalid settings');
  };

  it('refuses a plain-http issuer that is not on loopback (CONFIG_INVALID) before any request', async () => {
    const client = createAuthClient({ ...base, issuer: 'http://login.example.com' }, { fetch: noNetwork });
    expect(await codeOf(client.discover())).toBe('CONFIG_INVALID');
  });

  it('refuses an empty client id (CONFIG_INVALID)', async () => {
    const client = createAuthClient({ ...base, clientId: '  ' }, { fetch: noNetwork });
    expect(await codeOf(client.discover())).toBe('CONFIG_INVALID');
  });

  it('does not open the browser when the settings are invalid', async () => {
    const opened: string[] = [];
    const client = createAuthClient({ ...base, issuer: 'http://10.0.0.5:4400' }, { fetch: noNetwork });
    expect(await codeOf(client.signIn({ openExternal: async (url) => void opened.push(url) }))).toBe(
      'CONFIG_INVALID',
    );
    expect(opened).toEqual([]);
  });

  it('keeps the settings it was given', () => {
    expect(createAuthClient(base).settings).toBe(base);
  });
});
