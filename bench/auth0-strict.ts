/**
 * What Auth0's separate Management API token costs (issue #15), measured beside the main figures:
 * Latchkey against the local provider in strict Auth0 mode (idp/behaviour.ts AUTH0_STRICT_BEHAVIOUR)
 * behind the latency proxy, the real keychain and real Chromium on the provider's pages, and the same
 * steps against the one-token provider (the permissive default, where the session's token also
 * serves the users API). Counted per step: the app's own requests, the browser's page loads at the
 * provider, and the browser trips (authorization URLs the app opened).
 */
import type { Browser } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startIdp, type RunningIdp } from '../idp/index';
import type { ProviderSettings } from '../main/auth/types';
import { localAuth0Settings, localDemoSettings } from '../main/config/settings';
import type { KeychainBackend } from '../main/keychain/keychain-store';
import { createServices, type Services } from '../main/services';
import { openExternalWithBrowser } from '../tests/fixtures/browser';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';

/** Auth0's Management API token_lifetime default (86,400 s); the session's tokens get the same here. */
const TOKEN_LIFETIME_SECONDS = 86_400;
/** Paths the browser loads at the provider (pages, form posts); everything else is the app's. */
const BROWSER_PATHS = /^\/(auth|interaction|v2\/logout|session)(\/|$)/;

export interface StepCost {
  step: string;
  appRequests: number;
  browserRequests: number;
  browserTrips: number;
  ms: number;
}

export interface Auth0StrictFigures {
  strict: StepCost[];
  oneToken: StepCost[];
}

interface Mode {
  idp: RunningIdp;
  proxy: LatencyProxy;
  settings: ProviderSettings;
}

async function startMode(latencyMs: number, strict: boolean): Promise<Mode> {
  const proxy = await startLatencyProxy({ latencyMs });
  const idp = await startIdp({
    issuerUrl: proxy.url,
    accessTokenTtlSeconds: TOKEN_LIFETIME_SECONDS,
    ...(strict ? { behaviour: 'auth0-strict' as const } : { behaviour: { offlineAccess: 'auth0' as const } }),
  });
  proxy.setTarget(idp.port);
  const settings: ProviderSettings = strict
    ? localAuth0Settings(idp)
    : { ...localDemoSettings(idp), offlineAccessPrompt: false };
  return { idp, proxy, settings };
}

async function measureMode(
  mode: Mode,
  browser: Browser,
  backend: KeychainBackend,
  strict: boolean,
): Promise<StepCost[]> {
  const { idp, proxy, settings } = mode;
  const account = idp.accounts.find((candidate) => candidate.login === 'ada')!;
  const steps = openExternalWithBrowser(browser, account, { confirmAfterLogin: strict });
  const service = `Latchkey-bench-auth0-${randomBytes(4).toString('hex')}`;
  const costs: StepCost[] = [];
  let clockOffsetMs = 0;
  const start = (): Services =>
    createServices({
      settings,
      openExternal: steps,
      now: () => Date.now() + clockOffsetMs,
      keychain: { service, backend },
    });

  async function measure(step: string, work: () => Promise<unknown>): Promise<void> {
    await proxy.settled();
    proxy.clear();
    const trips = steps.openedUrls.length;
    const began = performance.now();
    await work();
    const ms = performance.now() - began;
    const log = [...proxy.log];
    costs.push({
      step,
      appRequests: log.filter((request) => !BROWSER_PATHS.test(request.path)).length,
      browserRequests: log.filter((request) => BROWSER_PATHS.test(request.path)).length,
      browserTrips: steps.openedUrls.length - trips,
      ms,
    });
  }

  /** Reads the details; on Auth0 first the browser step the page offers ("Continue in browser"). */
  async function openDetails(services: Services): Promise<void> {
    try {
      await services.handlers.getMetadata(undefined);
    } catch (error) {
      if ((error as { code?: string }).code !== 'AUTHORIZATION_REQUIRED') throw error;
      await services.handlers.authorizeAccountAccess(undefined);
      await services.handlers.getMetadata(undefined);
    }
  }

  let services = start();
  try {
    await measure('sign in', () => services.handlers.signIn(undefined));
    await measure('open details (first time)', () => openDetails(services));
    await measure('save details', () =>
      services.handlers.updateMetadata({ patch: { bench_run: Date.now() } }),
    );
    services.dispose();

    services = start();
    await measure('restart + open details (within token lifetime)', async () => {
      await services.session.restore();
      await openDetails(services);
    });
    services.dispose();

    clockOffsetMs = (TOKEN_LIFETIME_SECONDS + 3600) * 1000;
    services = start();
    await measure('restart + open details (a day later: tokens expired)', async () => {
      await services.session.restore();
      await openDetails(services);
    });
    await measure('sign out', () => services.handlers.signOut({ everywhere: false }));
  } finally {
    services.dispose();
    await steps.close();
  }
  return costs;
}

export async function measureAuth0Strict(options: {
  latencyMs: number;
  browser: Browser;
  backend: KeychainBackend;
  progress: (line: string) => void;
}): Promise<Auth0StrictFigures> {
  const figures: Partial<Auth0StrictFigures> = {};
  for (const strict of [false, true]) {
    options.progress(`Auth0: ${strict ? 'strict Auth0 mode' : 'one-token provider'}`);
    const mode = await startMode(options.latencyMs, strict);
    try {
      figures[strict ? 'strict' : 'oneToken'] = await measureMode(
        mode,
        options.browser,
        options.backend,
        strict,
      );
    } finally {
      await mode.idp.close();
      await mode.proxy.close();
    }
  }
  return figures as Auth0StrictFigures;
}

/** The two modes side by side, one line per step. */
export function renderAuth0Strict(figures: Auth0StrictFigures): string {
  const cell = (cost: StepCost | undefined) =>
    cost
      ? `${String(cost.appRequests).padStart(3)} req ${String(cost.browserRequests).padStart(3)} page ${cost.browserTrips} trip ${cost.ms.toFixed(0).padStart(5)} ms`
      : '';
  const lines = [
    "Auth0's separate Management API token (strict Auth0 mode) vs one token for both (the permissive local provider)",
    `${'step'.padEnd(56)}${'one token'.padEnd(36)}strict Auth0`,
  ];
  for (const [index, cost] of figures.strict.entries()) {
    lines.push(`${cost.step.padEnd(56)}${cell(figures.oneToken[index]).padEnd(36)}${cell(cost)}`);
  }
  lines.push(
    'req: requests the app made; page: page loads in the browser at the provider; trip: times the app opened the browser.',
  );
  return lines.join('\n');
}
