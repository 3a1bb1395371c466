/**
 * A provider that compares redirect URIs as exact strings (the local provider's `redirectUris:
 * 'exact'`, idp/behaviour.ts): Latchkey signs in through a fixed port set in its settings file, falls
 * back to the next listed port when one is taken, and its ephemeral default is refused with a bare 403
 * by such a provider. Real provider, real Chromium, the real settings reader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type RunningIdp } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { ProviderSettings } from '../../../../main/auth/types';
import { resolveProviderChoice } from '../../../../main/config/settings';
import { SETTINGS_FILE_NAME } from '../../../../main/config/sources';
import { openExternalWithBrowser } from '../../../fixtures/browser';
import { resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { codeOf } from '../../../fixtures/rejections';
import { freePorts } from '../../../fixtures/free-ports';
import { tokenRequests } from '../../../fixtures/provider-settings';

const ports = await freePorts(2);
const registered = ports.map((port) => `http://127.0.0.1:${port}/callback`);
const suite = useLocalProvider({
  browser: true,
  provider: { behaviour: { redirectUris: 'exact', exactRedirectUris: registered } },
});

let userDataDir: string;
beforeAll(async () => {
  userDataDir = await mkdtemp(join(tmpdir(), 'latchkey-redirect-'));
});
afterAll(async () => {
  await rm(userDataDir, { recursive: true, force: true });
});

/** The settings as the app reads them from its settings file. */
async function settingsFromFile(idp: RunningIdp, file: Record<string, unknown>): Promise<ProviderSettings> {
  await writeFile(
    join(userDataDir, SETTINGS_FILE_NAME),
    JSON.stringify({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scopes: 'openid profile email offline_access',
      ...file,
    }),
  );
  const choice = await resolveProviderChoice({ argv: [], env: {}, userDataDir, isPackaged: true });
  if (choice.kind !== 'configured') throw new Error(`expected configured settings, got ${choice.kind}`);
  return choice.settings;
}

describe('a provider that compares redirect URIs exactly', () => {
  it('signs in through the fixed port set in the settings file, with exactly that redirect URI', async () => {
    const settings = await settingsFromFile(suite.idp, { redirectPorts: ports });
    expect(settings.redirectPorts).toEqual(ports);
    const client = createAuthClient(settings);
    const openExternal = openExternalWithBrowser(suite.browser, resolveAccount(suite.idp, 'ada'));
    const shown: string[] = [];
    const result = await client.signIn({ openExternal, onAuthorizationUrl: (url) => shown.push(url) });
    expect(result.subject).toBe('local|ada');
    expect(new URL(shown[0]!).searchParams.get('redirect_uri')).toBe(registered[0]);
    expect((await openExternal.lastLogin()).status).toBe(200);
    await openExternal.close();
  });

  it('uses the next listed port when the first is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(ports[0], '127.0.0.1', resolve));
    try {
      const client = createAuthClient(await settingsFromFile(suite.idp, { redirectPorts: ports }));
      const openExternal = openExternalWithBrowser(suite.browser, resolveAccount(suite.idp, 'grace'));
      const shown: string[] = [];
      await client.signIn({ openExternal, onAuthorizationUrl: (url) => shown.push(url) });
      expect(new URL(shown[0]!).searchParams.get('redirect_uri')).toBe(registered[1]);
      await openExternal.close();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses the ephemeral default with a bare 403 in the browser; nothing comes back, the attempt waits until cancelled', async () => {
    const client = createAuthClient(await settingsFromFile(suite.idp, {}));
    const controller = new AbortController();
    const before = tokenRequests(suite.idp);
    let authorizationUrl = '';
    const attempt = client.signIn({
      openExternal: async () => undefined,
      onAuthorizationUrl: (url) => {
        authorizationUrl = url;
      },
      signal: controller.signal,
    });
    await expect.poll(() => authorizationUrl).not.toBe('');
    expect(registered).not.toContain(new URL(authorizationUrl).searchParams.get('redirect_uri'));

    const context = await suite.browser.newContext();
    try {
      const page = await context.newPage();
      const [response, navigation] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url().startsWith(`${suite.idp.issuer}/auth?`)),
        page.goto(authorizationUrl).catch((error: unknown) => error),
      ]);
      expect(response.status()).toBe(403);
      expect(response.headers()['content-length']).toBe('0');
      // An error status with nothing in it: Chromium shows its own error page, and never reaches the app.
      expect(String(navigation)).toContain('ERR_HTTP_RESPONSE_CODE_FAILURE');
    } finally {
      await context.close();
    }
    controller.abort();
    expect(await codeOf(attempt)).toBe('LOGIN_CANCELLED');
    expect(tokenRequests(suite.idp)).toBe(before);
  });
});

describe('the settings file', () => {
  it('names the bad port and where it came from', async () => {
    const idp = await startIdp();
    try {
      await expect(settingsFromFile(idp, { redirectPorts: [70000] })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(
          `"redirectPorts" in ${join(userDataDir, SETTINGS_FILE_NAME)} ("70000")`,
        ),
      });
    } finally {
      await idp.close();
    }
  });
});
