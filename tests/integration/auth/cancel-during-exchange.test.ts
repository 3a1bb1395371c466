import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type DemoAccount, type RunningIdp } from '../../../idp/index';
import { createAuthClient } from '../../../main/auth';
import { isLatchkeyError } from '../../../main/errors';
import { launchBrowser, openExternalWithBrowser } from '../../fixtures/browser';
import { settingsFor } from './provider-settings';

/**
 * Cancel pressed while the authorization code is being exchanged: the attempt ends LOGIN_CANCELLED at
 * once, and the grant the provider issues anyway is revoked as soon as it arrives (RFC 7009), so
 * no refresh token nobody holds stays alive at the provider.
 */

let idp: RunningIdp;
let browser: Browser;
let ada: DemoAccount;

beforeAll(async () => {
  [idp, browser] = await Promise.all([startIdp(), launchBrowser()]);
  ada = idp.accounts.find((account) => account.login === 'ada')!;
});

afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

const revocations = () =>
  idp.requestLog.filter((entry) => entry.method === 'POST' && entry.path === '/token/revocation').length;

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
    const client = createAuthClient(settingsFor(idp), { fetch: holdingFetch });
    const openExternal = openExternalWithBrowser(browser, ada);
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
