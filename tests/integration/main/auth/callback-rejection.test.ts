import { createServer, type Server } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccount } from '../../../../idp/index';
import { createAuthClient } from '../../../../main/auth/client';
import type { AuthClient } from '../../../../main/auth/types';
import { openExternalWithBrowser } from '../../../fixtures/browser';
import { resolveAccount } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';
import { rejectionOf } from '../../../fixtures/rejections';
import { settingsFor, tokenRequests } from '../../../fixtures/provider-settings';

/**
 * The loopback leg of the sign-in against the real provider and a real browser: requests that do not
 * belong to the attempt get an error page and never reach the token endpoint (RFC 8252 §8.1).
 */

const suite = useLocalProvider({ browser: true });
let ada: DemoAccount;
let client: AuthClient;

beforeAll(async () => {
  ada = resolveAccount(suite.idp, 'ada');
  client = createAuthClient(settingsFor(suite.idp));
  await client.discover();
});

/** The parts of an authorization URL a hostile local process could learn or guess. */
function attemptOf(url: string): { redirectUri: string; state: string; origin: string } {
  const params = new URL(url).searchParams;
  const redirectUri = params.get('redirect_uri')!;
  return { redirectUri, state: params.get('state')!, origin: new URL(redirectUri).origin };
}

async function page(response: Response): Promise<{ status: number; text: string; csp: string | null }> {
  return {
    status: response.status,
    text: await response.text(),
    csp: response.headers.get('content-security-policy'),
  };
}

describe('a stray request to the loopback receiver', () => {
  it('with a wrong state gets an error page, makes no token request, and the real callback still signs in', async () => {
    const before = tokenRequests(suite.idp);
    const browserLogin = openExternalWithBrowser(suite.browser, ada);
    let stray: Awaited<ReturnType<typeof page>> | undefined;
    let tokenRequestsAfterStray = -1;

    const result = await client.signIn({
      openExternal: async (url) => {
        const { redirectUri } = attemptOf(url);
        stray = await page(
          await fetch(
            `${redirectUri}?code=stolen-or-forged&state=not-this-attempt&iss=${encodeURIComponent(suite.idp.issuer)}`,
          ),
        );
        tokenRequestsAfterStray = tokenRequests(suite.idp) - before;
        await browserLogin(url);
      },
    });

    expect(stray?.status).toBe(400);
    expect(stray?.text).toContain('does not belong to the sign-in Latchkey is waiting for');
    expect(stray?.csp).toMatch(/^default-src 'none'/);
    expect(tokenRequestsAfterStray).toBe(0);
    expect(result.subject).toBe(ada.sub);
    expect(tokenRequests(suite.idp) - before).toBe(1);
    await browserLogin.close();
  });

  it('with no state gets an error page and makes no token request; the attempt keeps waiting until cancelled', async () => {
    const before = tokenRequests(suite.idp);
    const controller = new AbortController();
    let stray: Awaited<ReturnType<typeof page>> | undefined;
    const error = await rejectionOf(
      client.signIn({
        signal: controller.signal,
        openExternal: async (url) => {
          stray = await page(await fetch(`${attemptOf(url).redirectUri}?code=forged`));
          controller.abort();
        },
      }),
    );
    expect(stray?.status).toBe(400);
    expect(error.code).toBe('LOGIN_CANCELLED');
    expect(tokenRequests(suite.idp) - before).toBe(0);
  });

  it('on another path or with another method gets an error page and makes no token request', async () => {
    const before = tokenRequests(suite.idp);
    const controller = new AbortController();
    const strays: Array<Awaited<ReturnType<typeof page>>> = [];
    const error = await rejectionOf(
      client.signIn({
        signal: controller.signal,
        openExternal: async (url) => {
          const { origin, state, redirectUri } = attemptOf(url);
          strays.push(await page(await fetch(`${origin}/elsewhere?code=forged&state=${state}`)));
          strays.push(
            await page(await fetch(`${redirectUri}?code=forged&state=${state}`, { method: 'POST' })),
          );
          controller.abort();
        },
      }),
    );
    expect(strays.map((stray) => stray.status)).toEqual([404, 405]);
    expect(strays[0]?.text).toContain('not a Latchkey sign-in address');
    expect(error.code).toBe('LOGIN_CANCELLED');
    expect(tokenRequests(suite.idp) - before).toBe(0);
  });
});

describe('the callback of this attempt', () => {
  it('without a code ends the attempt with LOGIN_REJECTED and makes no token request', async () => {
    const before = tokenRequests(suite.idp);
    let answered: Promise<Awaited<ReturnType<typeof page>>> | undefined;
    const error = await rejectionOf(
      client.signIn({
        openExternal: async (url) => {
          const { redirectUri, state } = attemptOf(url);
          answered = fetch(`${redirectUri}?state=${state}&iss=${encodeURIComponent(suite.idp.issuer)}`).then(
            page,
          );
        },
      }),
    );
    expect(error.code).toBe('LOGIN_REJECTED');
    const answer = await answered;
    expect(answer?.status).toBe(400);
    expect(answer?.text).toContain('without an authorization code');
    expect(tokenRequests(suite.idp) - before).toBe(0);
  });

  it('with error=access_denied (Cancel on the provider page) fails with LOGIN_DECLINED and makes no token request', async () => {
    const before = tokenRequests(suite.idp);
    const declining = openExternalWithBrowser(suite.browser, ada, { decline: true });
    const error = await rejectionOf(client.signIn({ openExternal: declining }));
    expect(error.code).toBe('LOGIN_DECLINED');
    expect(error.message).toMatch(/declined at the provider/);
    const landing = await declining.lastLogin();
    expect(new URL(landing.url).searchParams.get('error')).toBe('access_denied');
    expect(landing.status).toBe(400);
    expect(landing.text).toContain('declined at the provider');
    expect(tokenRequests(suite.idp) - before).toBe(0);
    await declining.close();
  });

  it('a second time, after the first was handled, finds the port closed and changes nothing', async () => {
    const browserLogin = openExternalWithBrowser(suite.browser, ada);
    await client.signIn({ openExternal: browserLogin });
    const after = tokenRequests(suite.idp);
    const { url } = await browserLogin.lastLogin();
    await expect(fetch(url)).rejects.toThrow(TypeError);
    expect(tokenRequests(suite.idp)).toBe(after);
    await browserLogin.close();
  });
});

describe('the attempt itself', () => {
  it('is cancelled through its AbortSignal: LOGIN_CANCELLED, the port closes, no token request', async () => {
    const before = tokenRequests(suite.idp);
    const controller = new AbortController();
    let redirectUri = '';
    const error = await rejectionOf(
      client.signIn({
        signal: controller.signal,
        openExternal: async (url) => {
          redirectUri = attemptOf(url).redirectUri;
          setTimeout(() => controller.abort(), 50);
        },
      }),
    );
    expect(error.code).toBe('LOGIN_CANCELLED');
    await expect(fetch(redirectUri)).rejects.toThrow(TypeError);
    expect(tokenRequests(suite.idp) - before).toBe(0);
  });

  it('times out with LOGIN_TIMEOUT when nobody comes back, and the port closes', async () => {
    let redirectUri = '';
    const started = Date.now();
    const error = await rejectionOf(
      client.signIn({
        timeoutMs: 300,
        openExternal: async (url) => {
          redirectUri = attemptOf(url).redirectUri;
        },
      }),
    );
    expect(error.code).toBe('LOGIN_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(fetch(redirectUri)).rejects.toThrow(TypeError);
  });

  it('fails with LOOPBACK_UNAVAILABLE when its port is already taken, before opening the browser', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    const opened: string[] = [];
    try {
      const pinned = createAuthClient({ ...settingsFor(suite.idp), redirectPorts: [port] });
      const error = await rejectionOf(pinned.signIn({ openExternal: async (url) => void opened.push(url) }));
      expect(error.code).toBe('LOOPBACK_UNAVAILABLE');
      expect(error.message).toContain(`port ${port}`);
      expect(opened).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('keeps waiting when openExternal fails, reports the failure, and the link still works', async () => {
    const failures: unknown[] = [];
    let link = '';
    const browserLogin = openExternalWithBrowser(suite.browser, ada);
    const result = await client.signIn({
      onAuthorizationUrl: (url) => {
        link = url;
        // The person copies the link into the browser themselves.
        setTimeout(() => void browserLogin(url), 50);
      },
      openExternal: async () => {
        throw new Error('xdg-open: no method available');
      },
      onOpenExternalError: (error) => failures.push(error),
    });
    expect(failures).toHaveLength(1);
    expect(link).not.toBe('');
    expect(result.subject).toBe(ada.sub);
    await browserLogin.close();
  });
});
