import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_LOGOUT_REDIRECT_URI, startIdp, type RunningIdp } from '../../../../idp';
import { createAuthClient, ASSUMED_LIFETIME_SECONDS, toTokenSet } from '../../../../main/auth/client';
import type { AuthClientDeps } from '../../../../main/auth/client';
import type { ProviderSettings, ProviderMetadata } from '../../../../main/auth/types';
import {
  CookieJar,
  followAuthorizationUrl,
  loginWithFetch,
  obtainTokens,
  resolveAccount,
  revokeToken,
} from '../../../fixtures/idp-login';
import { codeOf, rejectionOf } from '../../../fixtures/rejections';
import { freePorts } from '../../../fixtures/free-ports';
import { settingsFor } from '../../../fixtures/provider-settings';

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

const NOW = 1_700_000_000_000;

describe('toTokenSet', () => {
  it('computes expiresAt from expires_in and keeps every token the provider sent', () => {
    expect(
      toTokenSet(
        {
          access_token: 'at',
          token_type: 'bearer',
          expires_in: 60,
          refresh_token: 'rt2',
          id_token: 'idt',
          scope: 'openid',
        },
        NOW,
      ),
    ).toEqual({
      accessToken: 'at',
      refreshToken: 'rt2',
      idToken: 'idt',
      expiresAt: NOW + 60_000,
      scope: 'openid',
      tokenType: 'bearer',
    });
  });

  it('has no refresh token when the provider sent none (what a refresh keeps is the session record)', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer', expires_in: 60 }, NOW)).not.toHaveProperty(
      'refreshToken',
    );
  });

  it('takes expires_in 0 as it is, and assumes the short lifetime for a negative, infinite or non-number one', () => {
    const expiresAt = (expires_in: unknown) =>
      toTokenSet({ access_token: 'at', token_type: 'bearer', expires_in } as never, NOW).expiresAt;
    expect(expiresAt(0)).toBe(NOW);
    for (const odd of [-1, Number.POSITIVE_INFINITY, Number.NaN, '60'])
      expect(expiresAt(odd)).toBe(NOW + ASSUMED_LIFETIME_SECONDS * 1000);
  });

  it('assumes a short lifetime when expires_in is missing', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer' }, NOW).expiresAt).toBe(
      NOW + ASSUMED_LIFETIME_SECONDS * 1000,
    );
  });
});

/**
 * Saved metadata (AuthClient.useSavedMetadata) follows the same transport rule as discovery
 * (RFC 9700 §2.6, RFC 8252 §8.3) and must be on the issuer's origin: a saved copy that breaks either
 * is not used, and the provider's own discovery decides instead. Its endpoints are never called.
 */

const settings: ProviderSettings = {
  issuer: 'https://login.example.com/',
  clientId: 'abc123',
  scopes: ['openid'],
  usersApi: { kind: 'none' },
};

const requests: string[] = [];
// Records instead of reaching the network: no provider answers in a unit test.
const recordingFetch: typeof fetch = async (input) => {
  requests.push(String(input));
  throw new TypeError('fetch failed');
};

describe('saved metadata transport rules', () => {
  it('never calls plain-http saved endpoints of an https issuer: discovery at the issuer runs instead', async () => {
    requests.length = 0;
    const saved: ProviderMetadata = {
      issuer: settings.issuer,
      token_endpoint: 'http://login.example.com/oauth/token',
      userinfo_endpoint: 'http://login.example.com/userinfo',
    };
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata(saved);
    expect(client.knownMetadata()).toBeNull();
    expect(await codeOf(client.userinfo('access', 'sub'))).toBe('NETWORK');
    expect(requests).toEqual(['https://login.example.com/.well-known/openid-configuration']);
  });

  it('ignores saved metadata that names another issuer', () => {
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({ issuer: 'https://elsewhere.example.com/', token_endpoint: 'https://x/t' });
    expect(client.knownMetadata()).toBeNull();
  });
});

describe('the authorization request', () => {
  const saved: ProviderMetadata = {
    issuer: settings.issuer,
    authorization_endpoint: 'https://login.example.com/authorize',
    token_endpoint: 'https://login.example.com/token',
  };

  /** The authorization URL a sign-in builds (on saved metadata: no request), then the attempt is cancelled. */
  async function authorizationUrl(
    overrides: Partial<ProviderSettings>,
    options: { chooseAccount?: boolean; metadata?: Partial<ProviderMetadata> } = {},
  ): Promise<URL> {
    const client = createAuthClient({ ...settings, ...overrides }, { fetch: recordingFetch });
    client.useSavedMetadata({ ...saved, ...options.metadata });
    const controller = new AbortController();
    let url = '';
    const attempt = client.signIn({
      openExternal: async () => undefined,
      onAuthorizationUrl: (built) => {
        url = built;
        controller.abort();
      },
      signal: controller.signal,
      chooseAccount: options.chooseAccount,
    });
    expect(await codeOf(attempt)).toBe('LOGIN_CANCELLED');
    return new URL(url);
  }

  it('"Use a different account" asks for select_account where discovery lists it, else login; with consent, space-separated (OIDC Core §3.1.2.1)', async () => {
    const offline = ['openid', 'offline_access'];
    const listed = { prompt_values_supported: ['none', 'login', 'consent', 'select_account'] };
    const prompt = async (
      scopes: string[],
      metadata?: Partial<ProviderMetadata>,
      offlineAccessPrompt = true,
    ) =>
      (
        await authorizationUrl({ scopes, offlineAccessPrompt }, { chooseAccount: true, metadata })
      ).searchParams.get('prompt');
    expect(await prompt(offline, listed)).toBe('select_account consent');
    expect(await prompt(offline)).toBe('login consent');
    expect(await prompt(offline, { prompt_values_supported: ['none', 'login', 'consent'] })).toBe(
      'login consent',
    );
    expect(await prompt(['openid'], listed)).toBe('select_account');
    expect(await prompt(offline, undefined, false)).toBe('login');
  });

  it('asks for offline_access with prompt=consent (OIDC Core §11), unless turned off or not asked for', async () => {
    const offline = ['openid', 'offline_access'];
    expect((await authorizationUrl({ scopes: offline })).searchParams.get('prompt')).toBe('consent');
    expect(
      (await authorizationUrl({ scopes: offline, offlineAccessPrompt: true })).searchParams.get('prompt'),
    ).toBe('consent');
    expect(
      (await authorizationUrl({ scopes: offline, offlineAccessPrompt: false })).searchParams.has('prompt'),
    ).toBe(false);
    expect((await authorizationUrl({ scopes: ['openid'] })).searchParams.has('prompt')).toBe(false);
  });
});

describe('revokeGrant', () => {
  it('sends nothing where discovery admits only confidential clients, and says so; never throws', async () => {
    requests.length = 0;
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({
      issuer: settings.issuer,
      revocation_endpoint: 'https://login.example.com/revoke',
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    });
    expect(await client.revokeGrant({ accessToken: 'at', refreshToken: 'rt' })).toEqual({
      revoked: false,
      reason: 'publicClientsNotAllowed',
    });
    expect(requests).toEqual([]);
  });

  it('returns a failure it met as a coded error instead of throwing it', async () => {
    requests.length = 0;
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({
      issuer: settings.issuer,
      revocation_endpoint: 'https://login.example.com/revoke',
    });
    const outcome = await client.revokeGrant({ accessToken: 'at', refreshToken: 'rt' });
    expect(outcome).toMatchObject({ revoked: false, reason: 'failed' });
    expect(requests).toEqual(['https://login.example.com/revoke']);
  });
});

// ---- against the real local provider (idp/), signed in without a browser ------------------------
//
// The provider is the real one, started in-process; its login form is driven with fetch
// (tests/fixtures/idp-login.ts) where the app would open the system browser. A test that replaces
// one answer of the provider says so: only faults the real provider cannot produce are injected.

let idp: RunningIdp;
/** ada's subject and a real access token of hers, obtained once (the login form run with fetch). */
let ada: { sub: string; accessToken: string };

beforeAll(async () => {
  idp = await startIdp();
  const tokens = await obtainTokens(idp, 'ada');
  ada = {
    sub: resolveAccount(idp, 'ada').sub,
    accessToken: tokens.access_token,
  };
});

afterAll(async () => {
  await idp.close();
});

/** Requests the provider received since `from` (an index into its request log), as "METHOD /path". */
const providerRequestsSince = (from: number) =>
  idp.requestLog.slice(from).map((entry) => `${entry.method} ${entry.path}`);
const DISCOVERY = 'GET /.well-known/openid-configuration';

interface BrowserPage {
  status: number;
  text: string;
}

/**
 * The system browser, played with fetch: opens the authorization URL, logs in at the provider's real
 * form as `account`, and requests the loopback callback the provider sends it to (through
 * `alterCallback` when a test plays someone tampering with it). `page` is what the browser then shows.
 */
function browserAs(
  account = 'ada',
  alterCallback: (callback: URL) => URL | Promise<URL> = (callback) => callback,
) {
  const opened: string[] = [];
  let showPage!: (page: BrowserPage) => void;
  let failPage!: (error: unknown) => void;
  const page = new Promise<BrowserPage>((resolve, reject) => {
    showPage = resolve;
    failPage = reject;
  });
  page.catch(() => undefined);
  const openExternal = async (url: string) => {
    opened.push(url);
    try {
      const callback = await alterCallback(await followAuthorizationUrl(idp, url, account));
      const response = await fetch(callback);
      showPage({ status: response.status, text: await response.text() });
    } catch (error) {
      failPage(error);
      throw error;
    }
  };
  return { openExternal, opened, page };
}

/** Short: a test that goes wrong fails at once instead of waiting five minutes for the browser. */
const SIGN_IN_TIMEOUT_MS = 5_000;

function clientFor(deps: AuthClientDeps = {}, overrides: Partial<ProviderSettings> = {}) {
  return createAuthClient({ ...settingsFor(idp), ...overrides }, deps);
}

/** What openid-client sent: method, path, and the form body (token, revocation requests). */
interface SentRequest {
  method: string;
  path: string;
  body: URLSearchParams;
}

/** The real fetch, recording each request the client makes (the requests themselves reach the provider). */
function recordingRealFetch(): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  return {
    sent,
    fetch: async (input, init) => {
      sent.push({
        method: init?.method ?? 'GET',
        path: new URL(String(input)).pathname,
        body: new URLSearchParams(typeof init?.body === 'string' ? init.body : String(init?.body ?? '')),
      });
      return fetch(input, init);
    },
  };
}

describe('signing in against the provider', () => {
  it('a complete sign-in returns the tokens and profile of the person who logged in, and the browser shows success', async () => {
    const browser = browserAs('ada');
    const before = idp.requestLog.length;
    // The default wait for the browser (DEFAULT_SIGN_IN_TIMEOUT_MS) applies.
    const result = await clientFor({ now: () => NOW }).signIn({ openExternal: browser.openExternal });
    expect(result.subject).toBe(ada.sub);
    expect(result.claims).toMatchObject({ sub: ada.sub, email: resolveAccount(idp, 'ada').email });
    expect(result.tokens).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      idToken: expect.any(String),
      expiresAt: NOW + 3600 * 1000,
      tokenType: 'bearer',
    });
    // The access token is the provider's, for this person.
    expect((await clientFor().userinfo(result.tokens.accessToken, ada.sub)).sub).toBe(ada.sub);

    const authorization = new URL(browser.opened[0] ?? '');
    expect(authorization.searchParams.get('audience')).toBe(idp.audience);
    expect(authorization.searchParams.get('scope')).toBe(settingsFor(idp).scopes.join(' '));
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(await browser.page).toMatchObject({
      status: 200,
      text: expect.stringContaining("You're signed in"),
    });
    expect(providerRequestsSince(before)).toContain('POST /token');
  });

  it('a callback without code or error is refused (LOGIN_REJECTED) without a token request, and the browser is told', async () => {
    // Someone (another local program) sends the browser to the callback with only the state.
    const browser = browserAs('ada', (callback) => {
      const stripped = new URL(callback.origin + callback.pathname);
      stripped.searchParams.set('state', callback.searchParams.get('state') ?? '');
      return stripped;
    });
    const before = idp.requestLog.length;
    const error = await rejectionOf(
      clientFor().signIn({ openExternal: browser.openExternal, timeoutMs: SIGN_IN_TIMEOUT_MS }),
    );
    expect(error.code).toBe('LOGIN_REJECTED');
    expect(providerRequestsSince(before)).not.toContain('POST /token');
    const page = await browser.page;
    expect(page.status).toBe(400);
    expect(page.text).toContain(error.message);
  });

  it('a code from another attempt is refused at the token endpoint (PKCE, PROVIDER_ERROR), and the browser is told', async () => {
    // Code injection (RFC 9700 §4.5): the callback carries a real code issued for another request.
    const browser = browserAs('ada', async (callback) => {
      const foreign = await loginWithFetch(idp, 'grace', {
        redirectUri: callback.origin + callback.pathname,
      });
      const injected = new URL(callback);
      injected.searchParams.set('code', foreign.code);
      return injected;
    });
    const before = idp.requestLog.length;
    // No signal: a failed exchange is reported as it is.
    const error = await rejectionOf(
      clientFor().signIn({ openExternal: browser.openExternal, timeoutMs: SIGN_IN_TIMEOUT_MS }),
    );
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('invalid_grant');
    expect(providerRequestsSince(before)).toContain('POST /token');
    expect(providerRequestsSince(before)).not.toContain('GET /me');
    const page = await browser.page;
    expect(page.status).toBe(400);
    expect(page.text).toContain('The provider refused the sign-in code');
  });

  it('Cancel at the provider comes back as LOGIN_DECLINED (access_denied), not as a missing code', async () => {
    const opened: string[] = [];
    const openExternal = async (url: string) => {
      opened.push(url);
      await declineAt(url);
    };
    const before = idp.requestLog.length;
    expect(await codeOf(clientFor().signIn({ openExternal, timeoutMs: SIGN_IN_TIMEOUT_MS }))).toBe(
      'LOGIN_DECLINED',
    );
    expect(opened).toHaveLength(1);
    expect(providerRequestsSince(before)).not.toContain('POST /token');
  });
});

/** Opens `authorizationUrl` and presses Cancel on the provider's login page, then follows the redirect to the app. */
async function declineAt(authorizationUrl: string): Promise<void> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let hop = 0; hop < 6; hop += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      await response.body?.cancel();
      url = new URL(location, url).href;
      if (url.startsWith('http://127.0.0.1') && new URL(url).pathname === '/callback') break;
      continue;
    }
    const abort = /<form method="post" action="([^"]+\/abort)"/.exec(await response.text())?.[1];
    if (!abort) throw new Error(`no Cancel button at ${url}`);
    const aborted = await fetch(new URL(abort.replaceAll('&amp;', '&'), url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header() },
    });
    jar.store(aborted);
    url = new URL(aborted.headers.get('location') ?? '', url).href;
  }
  const page = await fetch(url);
  await page.body?.cancel();
}

/** A provider request held until the test releases it (the answer, when it comes, is the real one). */
function holdRequests(matches: (url: URL, init: RequestInit | undefined) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let noticeHeld!: () => void;
  const held = new Promise<void>((resolve) => (noticeHeld = resolve));
  const holdingFetch: typeof fetch = async (input, init) => {
    if (matches(new URL(String(input)), init)) {
      noticeHeld();
      await released;
    }
    return fetch(input, init);
  };
  return { fetch: holdingFetch, held, release };
}

/** How `attempt` ended within `ms`, or 'still pending' (the test's bound on how long a hang is given). */
async function outcomeWithin(attempt: Promise<unknown>, ms: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  try {
    return await Promise.race([
      attempt.then(
        () => 'resolved',
        (error: unknown) => (error as { code?: string }).code ?? String(error),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const isDiscovery = (url: URL) => url.pathname === '/.well-known/openid-configuration';
const isCodeExchange = (url: URL, init: RequestInit | undefined) =>
  url.pathname === '/token' && String(init?.body ?? '').includes('grant_type=authorization_code');

describe('cancelling a sign-in', () => {
  it('an attempt whose signal is already aborted ends LOGIN_CANCELLED without waiting for the provider or opening the browser', async () => {
    // The provider's discovery answer is held back: only a check of the signal can end the attempt.
    const discovery = holdRequests(isDiscovery);
    const browser = browserAs();
    const controller = new AbortController();
    controller.abort();
    try {
      const attempt = clientFor({ fetch: discovery.fetch }).signIn({
        openExternal: browser.openExternal,
        signal: controller.signal,
        timeoutMs: SIGN_IN_TIMEOUT_MS,
      });
      expect(await outcomeWithin(attempt, 3_000)).toBe('LOGIN_CANCELLED');
      expect(browser.opened).toEqual([]);
    } finally {
      discovery.release();
    }
  });

  it('Cancel while the provider configuration is still loading ends the attempt at once (LOGIN_CANCELLED)', async () => {
    const discovery = holdRequests(isDiscovery);
    const browser = browserAs();
    const controller = new AbortController();
    try {
      const attempt = clientFor({ fetch: discovery.fetch }).signIn({
        openExternal: browser.openExternal,
        signal: controller.signal,
        timeoutMs: SIGN_IN_TIMEOUT_MS,
      });
      await discovery.held;
      controller.abort();
      expect(await outcomeWithin(attempt, 3_000)).toBe('LOGIN_CANCELLED');
      expect(browser.opened).toEqual([]);
    } finally {
      discovery.release();
    }
  });

  it('a finished sign-in leaves nothing listening on the caller’s signal', async () => {
    const controller = new AbortController();
    await clientFor().signIn({
      openExternal: browserAs().openExternal,
      signal: controller.signal,
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('Cancel during the code exchange ends the attempt at once, and the grant that still arrives is revoked', async () => {
    // The code exchange is held until Cancel has been pressed; then the real answer comes.
    const exchange = holdRequests(isCodeExchange);
    const controller = new AbortController();
    /** Revocation requests the provider has answered. */
    const revocations: URLSearchParams[] = [];
    const client = clientFor({
      fetch: async (input, init) => {
        const response = await exchange.fetch(input, init);
        if (new URL(String(input)).pathname === '/token/revocation')
          revocations.push(new URLSearchParams(String(init?.body)));
        return response;
      },
    });
    const browser = browserAs();
    const attempt = client.signIn({
      openExternal: browser.openExternal,
      signal: controller.signal,
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    await exchange.held;
    controller.abort();
    expect(await outcomeWithin(attempt, 3_000)).toBe('LOGIN_CANCELLED');
    expect(revocations).toEqual([]);

    exchange.release();
    await until(() => revocations.length === 1);
    const revoked = revocations[0];
    expect(revoked?.get('token_type_hint')).toBe('refresh_token');
    // The refresh token of the abandoned grant no longer renews anything.
    expect(await codeOf(clientFor().refresh(revoked?.get('token') ?? ''))).toBe('SESSION_EXPIRED');
  });

  it('Cancel during a code exchange that then fails leaves no unhandled failure behind', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    // Injected: the held code exchange, once Cancel has been pressed, fails on the network.
    const exchange = holdRequests(isCodeExchange);
    const controller = new AbortController();
    const client = clientFor({
      fetch: async (input, init) => {
        const response = await exchange.fetch(input, init);
        if (isCodeExchange(new URL(String(input)), init)) {
          await response.body?.cancel();
          throw new TypeError('fetch failed');
        }
        return response;
      },
    });
    try {
      const attempt = client.signIn({
        openExternal: browserAs().openExternal,
        signal: controller.signal,
        timeoutMs: SIGN_IN_TIMEOUT_MS,
      });
      await exchange.held;
      controller.abort();
      expect(await codeOf(attempt)).toBe('LOGIN_CANCELLED');
      exchange.release();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      exchange.release();
      process.off('unhandledRejection', record);
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('when the browser cannot finish on its own', () => {
  it('the callback address the person pastes completes the sign-in; a wrong one is refused and changes nothing', async () => {
    // The browser reaches the provider but not the loopback port (a firewall): it never requests the callback.
    let reached!: (callback: URL) => void;
    const callbackShown = new Promise<URL>((resolve) => (reached = resolve));
    let submit: ((pasted: string) => void) | undefined;
    const attempt = clientFor().signIn({
      openExternal: async (url) => reached(await followAuthorizationUrl(idp, url, 'ada')),
      onPastedCallbackEntry: (entry) => (submit = entry),
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    const callback = await callbackShown;
    expect(submit).toBeDefined();
    expect(() => submit?.('not an address')).toThrow(expect.objectContaining({ code: 'LOGIN_REJECTED' }));
    submit?.(`  ${callback.href}\n`);
    expect((await attempt).subject).toBe(ada.sub);
  });

  it('a browser that fails to open is reported, and the link the app offers still completes the sign-in', async () => {
    const failures: unknown[] = [];
    const noBrowser = new Error('no browser installed');
    const person = browserAs('ada');
    const result = await clientFor().signIn({
      openExternal: async () => {
        throw noBrowser;
      },
      onOpenExternalError: (error) => failures.push(error),
      // The person opens the link the app shows ("copy the link") in a browser of their own.
      onAuthorizationUrl: (url) => void person.openExternal(url),
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    expect(result.subject).toBe(ada.sub);
    expect(failures).toEqual([noBrowser]);
  });
});

describe('waiting for the browser', () => {
  it('nobody coming back within timeoutMs ends the attempt (LOGIN_TIMEOUT)', async () => {
    const opened: string[] = [];
    const attempt = clientFor().signIn({
      openExternal: async (url) => void opened.push(url),
      timeoutMs: 200,
    });
    expect(await outcomeWithin(attempt, 3_000)).toBe('LOGIN_TIMEOUT');
    expect(opened).toHaveLength(1);
  });

  it('with fixed redirect ports, the redirect address is on the first one, and the sign-in completes there', async () => {
    const port = (await freePorts(1))[0]!;
    const browser = browserAs('ada');
    const result = await clientFor({}, { redirectPorts: [port] }).signIn({
      openExternal: browser.openExternal,
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    expect(result.subject).toBe(ada.sub);
    expect(new URL(browser.opened[0] ?? '').searchParams.get('redirect_uri')).toBe(
      `http://127.0.0.1:${port}/callback`,
    );
  });
});

describe('authorize (a second authorization for an API)', () => {
  it('asks for exactly the given audience and scope, without prompt, and returns that token without reading the profile', async () => {
    const browser = browserAs('ada');
    const before = idp.requestLog.length;
    const result = await clientFor().authorize({
      openExternal: browser.openExternal,
      audience: idp.audience,
      scope: 'openid read:current_user',
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    expect(result.subject).toBe(ada.sub);
    expect(result.tokens.scope).toBe('openid read:current_user');
    expect(result.tokens).not.toHaveProperty('refreshToken');
    const request = new URL(browser.opened[0] ?? '').searchParams;
    expect(request.get('audience')).toBe(idp.audience);
    expect(request.get('scope')).toBe('openid read:current_user');
    expect(request.has('prompt')).toBe(false);
    expect(providerRequestsSince(before)).not.toContain('GET /me');
    expect(await browser.page).toMatchObject({ status: 200 });
    // The token is good at the users API it was asked for.
    const users = await fetch(new URL(`users/${encodeURIComponent(ada.sub)}`, idp.audience), {
      headers: { authorization: `Bearer ${result.tokens.accessToken}` },
    });
    expect(users.status).toBe(200);
  });
});

/** The provider's discovery document, as it serves it. */
async function discoveryDocument(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
}

/** Metadata an earlier run saved with the session: what a discovered client offers for saving. */
async function savedByEarlierRun(): Promise<ProviderMetadata> {
  const earlier = clientFor();
  await earlier.discover();
  const saved = earlier.knownMetadata();
  if (!saved) throw new Error('discovery gave no metadata');
  return saved;
}

/** The real fetch, except that the provider's answer to requests `matches` picks is replaced by `answer`'s. */
function replacingAnswer(
  matches: (url: URL) => boolean,
  answer: (real: Response, init: RequestInit | undefined) => Promise<Response> | Response,
): typeof fetch {
  return async (input, init) => {
    const real = await fetch(input, init);
    return matches(new URL(String(input))) ? answer(real, init) : real;
  };
}

describe('discovery', () => {
  it('once discovered, the provider’s endpoints are offered for saving with the session', async () => {
    const client = clientFor();
    expect(client.knownMetadata()).toBeNull();
    await client.discover();
    const document = await discoveryDocument();
    expect(client.knownMetadata()).toMatchObject({
      issuer: idp.issuer,
      token_endpoint: document.token_endpoint,
      userinfo_endpoint: document.userinfo_endpoint,
      revocation_endpoint: document.revocation_endpoint,
    });
  });

  it('concurrent callers share one discovery request', async () => {
    const before = idp.requestLog.length;
    const client = clientFor();
    await Promise.all([client.discover(), client.discover(), client.userinfo(ada.accessToken, ada.sub)]);
    expect(providerRequestsSince(before).filter((request) => request === DISCOVERY)).toHaveLength(1);
  });

  it('a discovery that failed is tried again by the next call', async () => {
    // Injected fault: the network is down for the first request only.
    let down = true;
    const client = clientFor({
      fetch: async (input, init) => {
        if (down) {
          down = false;
          throw new TypeError('fetch failed');
        }
        return fetch(input, init);
      },
    });
    expect(await codeOf(client.discover())).toBe('NETWORK');
    expect(client.knownMetadata()).toBeNull();
    await client.discover();
    expect(client.knownMetadata()?.issuer).toBe(idp.issuer);
  });

  it('a discovery document that would send tokens over plain http to another computer is refused (PROVIDER_ERROR), and nothing is sent there', async () => {
    // Injected: the real document with its userinfo endpoint moved off this computer (http allowed
    // only for loopback, RFC 8252 §8.3); the local provider cannot be told to publish that.
    const sent: string[] = [];
    const client = clientFor({
      fetch: async (input, init) => {
        sent.push(new URL(String(input)).origin);
        const real = await fetch(input, init);
        if (!isDiscovery(new URL(String(input)))) return real;
        const document = (await real.json()) as Record<string, unknown>;
        return Response.json({ ...document, userinfo_endpoint: 'http://userinfo.example.com/me' });
      },
    });
    const error = await rejectionOf(client.userinfo(ada.accessToken, ada.sub));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('userinfo_endpoint');
    expect(sent).toEqual([new URL(idp.issuer).origin]);
    expect(client.knownMetadata()).toBeNull();
  });

  it('a provider that does not answer within httpTimeoutMs fails the call with NETWORK, on discovered and on saved metadata', async () => {
    // Injected: the provider never answers; each request is let through only once its own timeout
    // signal has fired, so the real fetch ends it the way a silent provider would.
    const silent: typeof fetch = async (input, init) => {
      const signal = init?.signal;
      if (signal) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      else await new Promise(() => undefined);
      return fetch(input, init);
    };
    expect(await outcomeWithin(clientFor({ fetch: silent, httpTimeoutMs: 200 }).discover(), 3_000)).toBe(
      'NETWORK',
    );
    const onSaved = clientFor({ fetch: silent, httpTimeoutMs: 200 });
    onSaved.useSavedMetadata(await savedByEarlierRun());
    expect(await outcomeWithin(onSaved.userinfo(ada.accessToken, ada.sub), 3_000)).toBe('NETWORK');
  });
});

describe('metadata saved by an earlier run', () => {
  it('is used without a discovery request, through the injected fetch, for an http loopback issuer', async () => {
    const saved = await savedByEarlierRun();
    const recorder = recordingRealFetch();
    const client = clientFor({ fetch: recorder.fetch });
    const before = idp.requestLog.length;
    client.useSavedMetadata(saved);
    expect(client.knownMetadata()).toEqual(saved);
    expect((await client.userinfo(ada.accessToken, ada.sub)).sub).toBe(ada.sub);
    expect(providerRequestsSince(before)).toEqual(['GET /me']);
    expect(recorder.sent.map((request) => request.path)).toEqual(['/me']);
  });

  it('is dropped when a call fails on it (an endpoint moved): the next call discovers afresh and works', async () => {
    const saved = await savedByEarlierRun();
    const client = clientFor();
    client.useSavedMetadata({ ...saved, userinfo_endpoint: `${idp.issuer}/moved/me` });
    const before = idp.requestLog.length;
    expect(await codeOf(client.userinfo(ada.accessToken, ada.sub))).toBe('PROVIDER_ERROR');
    expect(client.knownMetadata()).toBeNull();
    expect((await client.userinfo(ada.accessToken, ada.sub)).sub).toBe(ada.sub);
    expect(client.knownMetadata()).toEqual(saved);
    // What was discovered is this run's own: discover() has nothing left to refresh.
    await client.discover();
    expect(providerRequestsSince(before)).toEqual(['GET /moved/me', DISCOVERY, 'GET /me']);
  });

  it('is kept when the provider refuses the access token (ACCESS_TOKEN_REJECTED): that is an answer, not staleness', async () => {
    const saved = await savedByEarlierRun();
    const client = clientFor();
    client.useSavedMetadata(saved);
    const before = idp.requestLog.length;
    expect(await codeOf(client.userinfo('not-a-token-the-provider-issued', ada.sub))).toBe(
      'ACCESS_TOKEN_REJECTED',
    );
    expect(client.knownMetadata()).toEqual(saved);
    await client.userinfo(ada.accessToken, ada.sub);
    expect(providerRequestsSince(before)).not.toContain(DISCOVERY);
  });

  it('is kept when the provider refuses the refresh token (SESSION_EXPIRED)', async () => {
    const saved = await savedByEarlierRun();
    const client = clientFor();
    client.useSavedMetadata(saved);
    const before = idp.requestLog.length;
    expect(await codeOf(client.refresh('not-a-refresh-token-the-provider-issued'))).toBe('SESSION_EXPIRED');
    expect(client.knownMetadata()).toEqual(saved);
    await client.userinfo(ada.accessToken, ada.sub);
    expect(providerRequestsSince(before)).not.toContain(DISCOVERY);
  });

  it('is refreshed by discover(): one discovery, whose endpoints are used from then on', async () => {
    const saved = await savedByEarlierRun();
    const client = clientFor();
    client.useSavedMetadata({ ...saved, userinfo_endpoint: `${idp.issuer}/moved/me` });
    const before = idp.requestLog.length;
    await client.discover();
    expect(client.knownMetadata()).toEqual(saved);
    expect((await client.userinfo(ada.accessToken, ada.sub)).sub).toBe(ada.sub);
    await client.discover();
    expect(providerRequestsSince(before)).toEqual([DISCOVERY, 'GET /me']);
  });

  it('is ignored once discovery has run in this process', async () => {
    const saved = await savedByEarlierRun();
    const client = clientFor();
    await client.discover();
    client.useSavedMetadata({ ...saved, userinfo_endpoint: `${idp.issuer}/moved/me` });
    expect(client.knownMetadata()).toEqual(saved);
    expect((await client.userinfo(ada.accessToken, ada.sub)).sub).toBe(ada.sub);
  });

  it('a failure on discovered metadata is not staleness: no second discovery', async () => {
    const client = clientFor();
    await client.discover();
    const before = idp.requestLog.length;
    // OIDC Core §5.3.2: the profile of someone other than the expected person is refused.
    expect(await codeOf(client.userinfo(ada.accessToken, resolveAccount(idp, 'grace').sub))).toBe(
      'PROVIDER_ERROR',
    );
    expect(client.knownMetadata()?.issuer).toBe(idp.issuer);
    await client.userinfo(ada.accessToken, ada.sub);
    expect(providerRequestsSince(before)).toEqual(['GET /me', 'GET /me']);
  });
});

describe('refresh', () => {
  it('returns the provider’s new tokens, with the expiry counted from when they were asked for', async () => {
    const { refresh_token: refreshToken = '' } = await obtainTokens(idp, 'ada');
    const renewed = await clientFor({ now: () => NOW }).refresh(refreshToken, ada.sub);
    expect(renewed).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      idToken: expect.any(String),
      expiresAt: NOW + 3600 * 1000,
      tokenType: 'bearer',
    });
    expect((await clientFor().userinfo(renewed.accessToken, ada.sub)).sub).toBe(ada.sub);
  });

  it('a refresh the provider refuses with invalid_grant ends the session (SESSION_EXPIRED)', async () => {
    const { refresh_token: refreshToken = '' } = await obtainTokens(idp, 'ada');
    expect((await revokeToken(idp, refreshToken, 'refresh_token')).ok).toBe(true);
    expect(await codeOf(clientFor().refresh(refreshToken, ada.sub))).toBe('SESSION_EXPIRED');
  });

  it('an ID token for another person in the refresh answer is refused (PROVIDER_ERROR, OIDC Core §12.2); without an expectation it is accepted', async () => {
    const grace = resolveAccount(idp, 'grace');
    const { refresh_token: first = '' } = await obtainTokens(idp, 'ada');
    expect(await codeOf(clientFor().refresh(first, grace.sub))).toBe('PROVIDER_ERROR');
    const { refresh_token: second = '' } = await obtainTokens(idp, 'ada');
    expect((await clientFor().refresh(second)).idToken).toEqual(expect.any(String));
  });

  it('a refresh answer without an ID token is accepted (OIDC Core §12.2 makes it optional)', async () => {
    // Injected: the real refresh answer without its id_token, as providers that omit it send it.
    const withoutIdToken = replacingAnswer(
      (url) => url.pathname === '/token',
      async (real) => {
        const { id_token: _dropped, ...rest } = (await real.json()) as Record<string, unknown>;
        return Response.json(rest, { status: real.status });
      },
    );
    const { refresh_token: refreshToken = '' } = await obtainTokens(idp, 'ada');
    const renewed = await clientFor({ fetch: withoutIdToken }).refresh(refreshToken, ada.sub);
    expect(renewed).not.toHaveProperty('idToken');
    expect((await clientFor().userinfo(renewed.accessToken, ada.sub)).sub).toBe(ada.sub);
  });
});

describe('revokeGrant', () => {
  it('revokes through the refresh token when there is one: it stops renewing', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const recorder = recordingRealFetch();
    expect(
      await clientFor({ fetch: recorder.fetch }).revokeGrant({
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
      }),
    ).toEqual({ revoked: true });
    const sent = recorder.sent.find((request) => request.path === '/token/revocation')?.body;
    expect(sent?.get('token')).toBe(tokens.refresh_token);
    expect(sent?.get('token_type_hint')).toBe('refresh_token');
    expect(await codeOf(clientFor().refresh(tokens.refresh_token ?? ''))).toBe('SESSION_EXPIRED');
  });

  it('revokes the access token when the grant has no refresh token: it stops working', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const recorder = recordingRealFetch();
    expect(
      await clientFor({ fetch: recorder.fetch }).revokeGrant({ accessToken: tokens.access_token }),
    ).toEqual({ revoked: true });
    const sent = recorder.sent.find((request) => request.path === '/token/revocation')?.body;
    expect(sent?.get('token')).toBe(tokens.access_token);
    expect(sent?.get('token_type_hint')).toBe('access_token');
    expect(await codeOf(clientFor().userinfo(tokens.access_token, ada.sub))).toBe('ACCESS_TOKEN_REJECTED');
  });

  it('on Auth0, sends nothing for a grant without refresh token (its revoke endpoint takes refresh tokens only), and revokes a refresh token', async () => {
    const auth0 = {
      auth0: {
        tenantDomain: 'latchkey.eu.auth0.com',
        managementAudience: 'https://latchkey.eu.auth0.com/api/v2/',
      },
    };
    const tokens = await obtainTokens(idp, 'ada');
    const before = idp.requestLog.length;
    expect(await clientFor({}, auth0).revokeGrant({ accessToken: tokens.access_token })).toEqual({
      revoked: false,
      reason: 'noRefreshToken',
    });
    expect(providerRequestsSince(before)).toEqual([]);
    expect((await clientFor().userinfo(tokens.access_token, ada.sub)).sub).toBe(ada.sub);

    expect(
      await clientFor({}, auth0).revokeGrant({
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
      }),
    ).toEqual({ revoked: true });
    expect(await codeOf(clientFor().refresh(tokens.refresh_token ?? ''))).toBe('SESSION_EXPIRED');
  });
});

describe('endSessionUrl', () => {
  it('is the provider’s end_session_endpoint with the ID token hint and the return address (RP-Initiated Logout §2), which the provider accepts', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const client = clientFor();
    const url = new URL(
      await client.endSessionUrl({
        idTokenHint: tokens.id_token,
        postLogoutRedirectUri: POST_LOGOUT_REDIRECT_URI,
      }),
    );
    expect(url.origin + url.pathname).toBe((await discoveryDocument()).end_session_endpoint);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: idp.clientId,
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
    });
    // The provider shows its logout confirmation rather than an error page.
    expect((await fetch(url)).status).toBe(200);

    const bare = new URL(await client.endSessionUrl({}));
    expect(Object.fromEntries(bare.searchParams)).toEqual({ client_id: idp.clientId });
  });

  it('for an Auth0 tenant recognised by its discovery document, is its /v2/logout', async () => {
    // Saved metadata of an Auth0 custom domain (mfa_challenge_endpoint, no end_session_endpoint): no request is made.
    const client = createAuthClient(settings, { fetch: recordingFetch });
    client.useSavedMetadata({
      issuer: settings.issuer,
      token_endpoint: 'https://login.example.com/oauth/token',
      mfa_challenge_endpoint: 'https://login.example.com/mfa/challenge',
    });
    expect(await client.endSessionUrl({ postLogoutRedirectUri: 'http://127.0.0.1:53682/signed-out' })).toBe(
      'https://login.example.com/v2/logout?client_id=abc123&returnTo=http%3A%2F%2F127.0.0.1%3A53682%2Fsigned-out',
    );
  });

  describe('on a provider without end_session_endpoint (Auth0’s /v2/logout instead)', () => {
    let auth0Like: RunningIdp;
    let port: number;
    const signedOutPage = () => `http://127.0.0.1:${port}/signed-out`;

    beforeAll(async () => {
      port = (await freePorts(1))[0]!;
      auth0Like = await startIdp({
        // Auth0's discovery (managementApi: 'auth0') lists no end_session_endpoint with logout: 'auth0'.
        behaviour: {
          logout: 'auth0',
          managementApi: 'auth0',
          revocation: 'none',
          allowedLogoutUrls: [signedOutPage()],
        },
      });
    });
    afterAll(async () => {
      await auth0Like.close();
    });

    const auth0Settings = (redirectPorts?: number[]): ProviderSettings => ({
      ...settingsFor(auth0Like),
      auth0: { tenantDomain: 'latchkey.eu.auth0.com', managementAudience: auth0Like.audience },
      ...(redirectPorts ? { redirectPorts } : {}),
    });

    it('on Auth0, returns the browser to a signed-out page of the app’s own on a fixed port, which Auth0 accepts', async () => {
      const url = new URL(await createAuthClient(auth0Settings([port])).endSessionUrl({}));
      expect(url.origin + url.pathname).toBe(`${auth0Like.issuer}/v2/logout`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: auth0Like.clientId,
        returnTo: signedOutPage(),
      });
      const logout = await fetch(url, { redirect: 'manual' });
      expect(logout.status).toBe(302);
      expect(logout.headers.get('location')).toBe(signedOutPage());
      const page = await fetch(signedOutPage());
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('signed out');
    });

    it('on Auth0, a return address the caller gives is used as it is, and no page is served', async () => {
      const given = 'http://127.0.0.1:1/elsewhere';
      const url = new URL(
        await createAuthClient(auth0Settings([port])).endSessionUrl({ postLogoutRedirectUri: given }),
      );
      expect(url.searchParams.get('returnTo')).toBe(given);
      await expect(fetch(signedOutPage())).rejects.toThrow();
    });

    it('on Auth0 without a fixed port, asks for no return address (Auth0 then uses the first Allowed Logout URL)', async () => {
      const url = new URL(await createAuthClient(auth0Settings()).endSessionUrl({}));
      expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: auth0Like.clientId });
    });

    it('elsewhere, is NOT_SUPPORTED: the provider offers no way to end its browser session', async () => {
      expect(await codeOf(createAuthClient(settingsFor(auth0Like)).endSessionUrl({}))).toBe('NOT_SUPPORTED');
    });

    it('revocation is not attempted where discovery lists no revocation endpoint (noEndpoint)', async () => {
      const tokens = await obtainTokens(auth0Like, 'ada', { audience: null });
      const before = auth0Like.requestLog.length;
      expect(
        await createAuthClient(settingsFor(auth0Like)).revokeGrant({
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
        }),
      ).toEqual({ revoked: false, reason: 'noEndpoint' });
      expect(auth0Like.requestLog.slice(before).map((entry) => entry.path)).toEqual([
        '/.well-known/openid-configuration',
      ]);
    });
  });
});

describe('overlapping calls around saved metadata', () => {
  /** Holds the `nth` (1-based) request that `matches` picks, and lets every other one through. */
  function holdNth(nth: number, matches: (url: URL) => boolean) {
    let seen = 0;
    return holdRequests((url) => matches(url) && ++seen === nth);
  }

  it('a late failure of a call made on an older saved copy does not drop the copy saved since', async () => {
    const saved = await savedByEarlierRun();
    const moved = (url: URL) => url.pathname === '/moved/me';
    const firstCall = holdNth(1, moved);
    const client = clientFor({ fetch: firstCall.fetch });
    client.useSavedMetadata({ ...saved, userinfo_endpoint: `${idp.issuer}/moved/me` });
    const late = client.userinfo(ada.accessToken, ada.sub);
    await firstCall.held;
    // A second call fails on the stale copy and drops it; a newer copy is then saved in its place.
    expect(await codeOf(client.userinfo(ada.accessToken, ada.sub))).toBe('PROVIDER_ERROR');
    client.useSavedMetadata(saved);
    firstCall.release();
    expect(await codeOf(late)).toBe('PROVIDER_ERROR');

    expect(client.knownMetadata()).toEqual(saved);
    const before = idp.requestLog.length;
    await client.userinfo(ada.accessToken, ada.sub);
    expect(providerRequestsSince(before)).toEqual(['GET /me']);
  });

  /**
   * discover() refreshing a saved (stale) copy while a call that failed on that copy runs a discovery
   * of its own. Both discovery requests are held, then released in the order: discover()'s first,
   * then the call's, answered by `secondAnswer` (given the real one).
   */
  async function refreshRacingRediscovery(secondAnswer: (real: Response) => Promise<Response> | Response) {
    const saved = await savedByEarlierRun();
    let discoveries = 0;
    const gates = [holdRequests(() => true), holdRequests(() => true)] as const;
    const client = clientFor({
      fetch: async (input, init) => {
        if (!isDiscovery(new URL(String(input)))) return fetch(input, init);
        discoveries += 1;
        const nth = discoveries;
        const real = await gates[nth === 1 ? 0 : 1].fetch(input, init);
        return nth === 2 ? secondAnswer(real) : real;
      },
    });
    client.useSavedMetadata({ ...saved, userinfo_endpoint: `${idp.issuer}/moved/me` });
    const refreshing = client.discover();
    await gates[0].held;
    expect(await codeOf(client.userinfo(ada.accessToken, ada.sub))).toBe('PROVIDER_ERROR');
    const rediscovering = client.userinfo(ada.accessToken, ada.sub);
    await gates[1].held;
    gates[0].release();
    await refreshing;
    gates[1].release();
    return { client, saved, rediscovering };
  }

  it('a discovery that fails while discover() has already refreshed the configuration leaves that configuration in use', async () => {
    // Injected: the network fails for the second discovery only.
    const { client, saved, rediscovering } = await refreshRacingRediscovery(() => {
      throw new TypeError('fetch failed');
    });
    expect(await codeOf(rediscovering)).toBe('NETWORK');
    const before = idp.requestLog.length;
    expect((await client.userinfo(ada.accessToken, ada.sub)).sub).toBe(ada.sub);
    expect(providerRequestsSince(before)).toEqual(['GET /me']);
    expect(client.knownMetadata()).toEqual(saved);
  });

  it('a discovery answered after discover() refreshed the configuration does not change what is offered for saving', async () => {
    // Injected: the provider's document changes between the two answers (no end_session_endpoint in the second).
    const { client, saved, rediscovering } = await refreshRacingRediscovery(async (real) => {
      const { end_session_endpoint: _gone, ...rest } = (await real.json()) as Record<string, unknown>;
      return Response.json(rest);
    });
    expect((await rediscovering).sub).toBe(ada.sub);
    expect(client.knownMetadata()).toEqual(saved);
    expect(client.knownMetadata()?.end_session_endpoint).toEqual(expect.any(String));
  });
});

describe('secrets in what the provider answers', () => {
  /**
   * Injected: the provider's answer to `path` replaced by an HTML error page that echoes one value of
   * the request (as some gateways' error pages do), since the local provider always answers in JSON.
   */
  function echoing(
    path: string,
    status: number,
    valueOf: (url: URL, init: RequestInit | undefined) => string,
  ) {
    return async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      if (url.pathname !== path) return fetch(input, init);
      await (await fetch(input, init)).body?.cancel();
      return new Response(`<html><body><h1>Bad request</h1><p>${valueOf(url, init)}</p></body></html>`, {
        status,
        headers: { 'content-type': 'text/html' },
      });
    };
  }
  const formValue = (name: string) => (_url: URL, init: RequestInit | undefined) =>
    new URLSearchParams(String(init?.body ?? '')).get(name) ?? '';
  const bearerToken = (_url: URL, init: RequestInit | undefined) =>
    new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';

  it('the code and the PKCE verifier echoed by the token endpoint are cut from the sign-in error', async () => {
    for (const secret of ['code', 'code_verifier']) {
      let sent = '';
      const echo = echoing('/token', 400, (url, init) => (sent = formValue(secret)(url, init)));
      const error = await rejectionOf(
        clientFor({ fetch: echo }).signIn({
          openExternal: browserAs().openExternal,
          timeoutMs: SIGN_IN_TIMEOUT_MS,
        }),
      );
      expect(sent).not.toBe('');
      expect(error.code).toBe('PROVIDER_ERROR');
      expect(error.message).toContain('Bad request');
      expect(error.message).not.toContain(sent);
    }
  });

  it('the refresh token echoed by the token endpoint is cut from the refresh error', async () => {
    const { refresh_token: refreshToken = '' } = await obtainTokens(idp, 'ada');
    const error = await rejectionOf(
      clientFor({ fetch: echoing('/token', 400, formValue('refresh_token')) }).refresh(refreshToken),
    );
    expect(error.message).toContain('Bad request');
    expect(error.message).not.toContain(refreshToken);
  });

  it('the access token echoed by the userinfo endpoint is cut from the profile error', async () => {
    const error = await rejectionOf(
      clientFor({ fetch: echoing('/me', 400, bearerToken) }).userinfo(ada.accessToken, ada.sub),
    );
    expect(error.message).toContain('Bad request');
    expect(error.message).not.toContain(ada.accessToken);
  });

  it('the token echoed by the revocation endpoint is cut from the reported failure', async () => {
    const tokens = await obtainTokens(idp, 'ada');
    const outcome = await clientFor({
      fetch: echoing('/token/revocation', 400, formValue('token')),
    }).revokeGrant({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
    });
    expect(outcome).toMatchObject({ revoked: false, reason: 'failed' });
    const message = outcome.revoked === false && outcome.reason === 'failed' ? outcome.error.message : '';
    expect(message).toContain('Bad request');
    expect(message).not.toContain(tokens.refresh_token);
  });
});

describe('answers that are not what the standard asks for', () => {
  it('a page in place of the profile (HTTP 200, HTML: a captive portal) is PROVIDER_ERROR, never called an empty answer', async () => {
    // Injected: the provider's userinfo answer replaced by a hotel Wi-Fi's sign-in page.
    const portal = replacingAnswer(
      (url) => url.pathname === '/me',
      async (real) => {
        await real.body?.cancel();
        return new Response('<html><body><h1>Sign in to the hotel Wi-Fi</h1></body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        });
      },
    );
    const error = await rejectionOf(clientFor({ fetch: portal }).userinfo(ada.accessToken, ada.sub));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toBe(
      'The provider answered HTTP 200 with an answer that is not the JSON the standard asks for while reading the profile.',
    );
  });
});
