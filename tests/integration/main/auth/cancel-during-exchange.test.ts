import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import { isLatchkeyError } from '../../../../main/errors';
import { openExternalWithBrowser } from '../../../fixtures/browser';
import { resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { settingsFor } from '../../../fixtures/provider-settings';

/**
 * Cancel pressed while the authorization code is being exchanged: the attempt ends LOGIN_CANCELLED at
 * once, and the grant the provider issues anyway is revoked as soon as it arrives (RFC 7009), so
 * no refresh token nobody holds stays alive at the provider.
 */

const suite = useLocalProvider({ browser: true });
let ada: DemoAccount;

beforeAll(() => {
  ada = resolveAccount(suite.idp, 'ada');
});

const revocations = () =>
  suite.idp.requestLog.filter((entry) => entry.method === 'POST' && entry.path === '/token/revocation')
    .length;

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('cancel during the code exchange', () => {
  it('rejects LOGIN_CANCELLED at once and revokes the grant the late token response carries', async () => {
    const controller = new AbortController();
    let releaseExchange!: () => void;
    const exchangeHeld = new Promise<void>((resolve) => (releaseExchange = resolve));
    let exchangeStarted = false;
    // The injected fault: the code exchange is held until the test has pressed Cancel; every other
    // request (discovery, revocation) and the exchange itself then reach the real provider.
    const holdingFetch: typeof fetch = async (input, init) => {
      const isCodeExchange =
        new URL(String(input)).pathname === '/token' &&
        String(init?.body ?? '').includes('grant_type=authorization_code');
      if (isCodeExchange) {
        exchangeStarted = true;
        controller.abort();
        await exchangeHeld;
      }
      return fetch(input, init);
    };
    const client = createAuthClient(settingsFor(suite.idp), { fetch: holdingFetch });
    const openExternal = openExternalWithBrowser(suite.browser, ada);
    const before = revocations();
    try {
      const outcome = await client.signIn({ openExternal, signal: controller.signal }).then(
        () => 'signed in',
        (error: unknown) => (isLatchkeyError(error) ? error.code : String(error)),
      );
      expect(exchangeStarted).toBe(true);
      expect(outcome).toBe('LOGIN_CANCELLED');
      expect(revocations() - before).toBe(0);

      releaseExchange();
      await until(() => revocations() - before === 1);
    } finally {
      releaseExchange();
      await openExternal.close();
    }
  });
});
