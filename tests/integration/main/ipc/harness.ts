import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import type { MethodName } from '../../../../common/channels';
import type { Result } from '../../../../common/contract';
import type { ProviderSettings } from '../../../../main/auth/types';
import { localDemoSettings } from '../../../../main/config/settings';
import { buildIpcRoutes, type IpcRoute } from '../../../../main/ipc/invoke-wrapper';
import type { InvokeEventLike } from '../../../../main/ipc/sender-guard';
import {
  profileFromClaims,
  RECORD_FORMAT_VERSION,
  serializeRecord,
} from '../../../../main/session/session-record';
import { createServices, type Services, type ServicesOptions } from '../../../../main/services';
import { startIdp, type IdpOptions, type RunningIdp } from '../../../../idp';
import { CookieJar, obtainTokens, resolveAccount, type LoginOptions } from '../../../fixtures/idp-login';
import { useLocalProvider } from '../../../fixtures/local-provider';

/**
 * The app's composition (createServices) against the real local provider and the real keyring,
 * plus the IPC wrapper it registers. Only ipcMain itself is missing: calls go through `invoke`, which
 * hands the wrapper an event shaped like Electron's IpcMainInvokeEvent from our own window.
 */

export const WINDOW_ID = 1;

export function trustedEvent(url = `${APP_ORIGIN}/index.html`, id = WINDOW_ID): InvokeEventLike {
  const frame = { url, parent: null, processId: 4, routingId: 1 };
  return { sender: { id, mainFrame: frame }, senderFrame: frame };
}

/** Keytar would otherwise reach the developer's own login keyring. */
function requirePrivateKeyring(): void {
  if (process.env.LATCHKEY_TEST_KEYRING !== '1') {
    throw new Error(
      'These tests use the real keyring: run them inside scripts/with-keyring.sh (npm test does).',
    );
  }
}

export interface Harness {
  idp: RunningIdp;
  settings: ProviderSettings;
  services: Services;
  routes: Map<MethodName, IpcRoute>;
  /** Opened URLs, in order (what shell.openExternal would have shown). */
  opened: string[];
  warnings: string[];
  invoke(name: MethodName, input?: unknown, event?: InvokeEventLike): Promise<Result<unknown>>;
  /** Writes a real session (tokens from the provider's real login form) to the keychain and restores it. */
  seedSession(
    account?: string,
    login?: LoginOptions,
    record?: { expiresAt?: number },
  ): Promise<{ accessToken: string; refreshToken?: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  idp?: IdpOptions | RunningIdp;
  /** What openExternal does with a URL; default: record it only. */
  browser?: (url: string, harness: Pick<Harness, 'idp'>) => Promise<void>;
  settings?: (idp: RunningIdp) => ProviderSettings;
  services?: Partial<Omit<ServicesOptions, 'settings' | 'openExternal'>>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  requirePrivateKeyring();
  const ownIdp = !(options.idp && 'issuer' in options.idp);
  const idp = ownIdp ? await startIdp(options.idp as IdpOptions | undefined) : (options.idp as RunningIdp);
  const settings = options.settings ? options.settings(idp) : localDemoSettings(idp);
  const opened: string[] = [];
  const warnings: string[] = [];
  const services = createServices({
    ...options.services,
    settings,
    // A unique keychain service per harness: suites never see each other's records.
    keychain: { service: `latchkey-test-${randomUUID()}`, ...options.services?.keychain },
    openExternal: async (url) => {
      opened.push(url);
      await options.browser?.(url, { idp });
    },
  });
  const log = {
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  };
  const routes = new Map(
    buildIpcRoutes(services.handlers, { isTrustedWebContents: (id) => id === WINDOW_ID }, log).map(
      (route) => [route.name, route],
    ),
  );

  return {
    idp,
    settings,
    services,
    routes,
    opened,
    warnings,
    invoke: (name, input, event = trustedEvent()) => routes.get(name)!.handle(event, input),
    async seedSession(account = 'ada', login = {}, record = {}) {
      const tokens = await obtainTokens(idp, account, login);
      const person = resolveAccount(idp, account);
      await services.store.write(
        serializeRecord({
          v: RECORD_FORMAT_VERSION,
          issuer: settings.issuer,
          clientId: settings.clientId,
          subject: person.sub,
          tokens: {
            accessToken: tokens.access_token,
            refreshToken: tokens.refresh_token,
            idToken: tokens.id_token,
            expiresAt: record.expiresAt ?? Date.now() + tokens.expires_in * 1000,
            scope: tokens.scope,
            tokenType: tokens.token_type,
          },
          profile: profileFromClaims({ ...person }),
          savedAt: Date.now(),
        }),
      );
      const state = await services.session.restore();
      if (state.status !== 'signedIn')
        throw new Error(`harness: seeded session did not restore: ${JSON.stringify(state)}`);
      return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    },
    async close() {
      services.dispose();
      await services.store.delete().catch(() => undefined);
      if (ownIdp) await idp.close();
    },
  };
}

/**
 * A person in the system browser, played with fetch: follows the authorization URL through the
 * provider's real login form to the app's loopback callback. Used only where sign-in is the subject.
 */
export function personSigningIn(account = 'ada') {
  return async (url: string, { idp }: Pick<Harness, 'idp'>): Promise<void> => {
    if (!url.startsWith(`${idp.issuer}/auth`)) return; // e.g. the end-session page
    const person = resolveAccount(idp, account);
    const jar = new CookieJar();
    let next = url;
    let init: RequestInit = { method: 'GET' };
    for (let hop = 0; hop < 12; hop++) {
      const response = await fetch(next, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as object), cookie: jar.header() },
      });
      jar.store(response);
      const location = response.headers.get('location');
      if (location) {
        await response.body?.cancel();
        next = new URL(location, next).href;
        init = { method: 'GET' };
        continue;
      }
      const html = await response.text();
      const here = new URL(next);
      if (here.origin !== idp.issuer && here.pathname === '/callback') return; // the app's loopback page
      const action = /<form method="post" action="([^"]+\/login)"/.exec(html)?.[1];
      if (!action) throw new Error(`harness: login stopped at ${next} (HTTP ${response.status})`);
      next = new URL(action.replaceAll('&amp;', '&'), next).href;
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: person.login, password: person.password }).toString(),
      };
    }
    throw new Error('harness: too many redirects');
  };
}

export interface HarnessSuite {
  /** The provider every harness of the file shares (from beforeAll on). */
  readonly idp: RunningIdp;
  /** Starts a harness on the shared provider (unless `options.idp` names another); closed after the test. */
  harness(options?: HarnessOptions): Promise<Harness>;
  /** Closes the harnesses this test started, now rather than after it. */
  closeHarnesses(): Promise<void>;
}

/** One local provider for the file, and harnesses on it that each test gets to itself. */
export function useHarnessSuite(): HarnessSuite {
  const provider = useLocalProvider();
  const open: Harness[] = [];
  const closeHarnesses = async () => {
    await Promise.all(open.splice(0).map((harness) => harness.close()));
  };
  afterEach(closeHarnesses);
  return {
    get idp() {
      return provider.idp;
    },
    harness: async (options = {}) => {
      const started = await startHarness({ idp: provider.idp, ...options });
      open.push(started);
      return started;
    },
    closeHarnesses,
  };
}
