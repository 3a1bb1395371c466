import { performance } from 'node:perf_hooks';
import type { Browser } from '@playwright/test';
import { openExternalWithBrowser, type ProviderCredentials } from '../tests/fixtures/browser';
import type { Contender, RunningApp } from './contender';
import type { KeychainBackend } from '../main/keychain/keychain-store';
import type { CountingKeychain } from './counting-keychain';
import type { IdpProcess } from './idp-process';
import type { LatencyProxy } from './latency-proxy';
import { expireProviderAccessTokens, freshSession } from './provider-session';
import { stepBetween, TOKEN_REQUEST, type ContenderSample, type StepSample } from './samples';

export interface BenchContext {
  proxy: LatencyProxy;
  idp: IdpProcess;
  /** The real keychain, counting: what the app under test uses. */
  keychain: CountingKeychain;
  /** The same keychain, not counted: the benchmark's own setup. */
  setupBackend: KeychainBackend;
  browser: Browser;
  account: ProviderCredentials;
  callers: number;
}

const COUNTRIES = ['FR', 'GB', 'DE', 'IT', 'ES', 'NL', 'SE', 'PT', 'IE', 'BE'];

async function noBrowser(): Promise<void> {
  throw new Error('bench: this scenario does not open the browser');
}

function fail(contender: Contender, what: string): never {
  throw new Error(`bench (${contender.name}): ${what}`);
}

/** Runs `work` and records what it cost: requests through the proxy, time, keychain calls. */
async function measure(ctx: BenchContext, work: () => Promise<unknown>): Promise<StepSample> {
  await ctx.proxy.settled();
  const from = performance.now();
  await work();
  const to = performance.now();
  return stepBetween(ctx.proxy.log, ctx.keychain.calls, from, to);
}

/**
 * Benchmark setup: a stored session as a previous run of `contender` left it. Real tokens from the
 * provider, saved in the contender's format, then one real launch (the "previous run"), so that the
 * keychain holds what the app itself writes. With `accessTokenExpired`, time then passes.
 */
async function seedSession(
  ctx: BenchContext,
  contender: Contender,
  accessTokenExpired: boolean,
): Promise<void> {
  await ctx.proxy.quietly(async () => {
    await contender.clear();
    await contender.seed(await freshSession(ctx.idp, ctx.account.login));
    const previous = contender.start({ backend: ctx.setupBackend, openExternal: noBrowser });
    try {
      if (!(await previous.launch()).signedIn) fail(contender, 'the seeded session did not restore');
      if (accessTokenExpired) await expireAccessToken(ctx, previous);
    } finally {
      previous.dispose();
    }
  });
}

/** Setup: the access token runs out, at the provider and on the app's clock. */
async function expireAccessToken(ctx: BenchContext, app: RunningApp): Promise<void> {
  await expireProviderAccessTokens(ctx.idp);
  app.passExpiry();
}

function start(
  ctx: BenchContext,
  contender: Contender,
  openExternal: (url: string) => Promise<void> = noBrowser,
): RunningApp {
  return contender.start({ backend: ctx.keychain, openExternal });
}

type RestoreAndUse = Pick<
  ContenderSample,
  'restoreValid' | 'metadataSave' | 'metadataLoad' | 'refreshOnCall' | 'signOut'
>;

/** Launch with a valid stored session, then save and load metadata, call after expiry, sign out. */
export async function restoreAndUse(
  ctx: BenchContext,
  contender: Contender,
  run: number,
): Promise<RestoreAndUse> {
  await seedSession(ctx, contender, false);
  await ctx.proxy.settled();
  const from = performance.now();
  const app = start(ctx, contender);
  try {
    const timeline = await app.launch();
    const to = performance.now();
    if (!timeline.signedIn || timeline.profileAt === null || timeline.validatedAt === null)
      fail(contender, 'a valid stored session was not restored');
    const { log } = ctx.proxy;
    const restoreValid = {
      toProfile: stepBetween(log, ctx.keychain.calls, from, timeline.profileAt),
      toValidated: { ...stepBetween(log, ctx.keychain.calls, from, timeline.validatedAt) },
    };
    // The restore's keychain calls: every one the launch made, up to its end.
    restoreValid.toValidated.keychain = stepBetween(log, ctx.keychain.calls, from, to).keychain;

    const country = COUNTRIES[run % COUNTRIES.length] as string;
    const patch = { country, first_name: `Ada ${run}`, last_name: 'Lovelace' };
    const metadataSave = await measure(ctx, async () => {
      const saved = await app.updateMetadata(patch);
      if (saved.country !== country) fail(contender, 'the saved metadata did not come back');
    });
    const metadataLoad = await measure(ctx, async () => {
      const loaded = await app.getMetadata();
      if (loaded.country !== country) fail(contender, 'the loaded metadata is not what was saved');
    });

    await expireAccessToken(ctx, app);
    const refreshOnCall = await measure(ctx, async () => {
      const loaded = await app.getMetadata();
      if (loaded.country !== country) fail(contender, 'the call after the refresh failed');
    });

    const signOut = await measure(ctx, () => app.signOut());
    return { restoreValid, metadataSave, metadataLoad, refreshOnCall, signOut };
  } finally {
    app.dispose();
  }
}

/** Launch with a stored session whose access token has expired. */
export async function restoreExpired(ctx: BenchContext, contender: Contender): Promise<StepSample> {
  await seedSession(ctx, contender, true);
  await ctx.proxy.settled();
  const from = performance.now();
  const app = start(ctx, contender);
  try {
    const timeline = await app.launch();
    const to = performance.now();
    if (!timeline.signedIn || timeline.validatedAt === null)
      fail(contender, 'a stored session with an expired access token was not restored');
    const sample = stepBetween(ctx.proxy.log, ctx.keychain.calls, from, timeline.validatedAt);
    sample.keychain = stepBetween(ctx.proxy.log, ctx.keychain.calls, from, to).keychain;
    return sample;
  } finally {
    app.dispose();
  }
}

/** Signed in; the access token expires; `callers` metadata reads start at once. */
export async function concurrentExpired(
  ctx: BenchContext,
  contender: Contender,
): Promise<ContenderSample['concurrentExpired']> {
  await seedSession(ctx, contender, false);
  const app = start(ctx, contender);
  try {
    await ctx.proxy.quietly(async () => {
      if (!(await app.launch()).signedIn) fail(contender, 'not signed in before the concurrent calls');
    });
    await expireAccessToken(ctx, app);
    let failures = 0;
    const sample = await measure(ctx, async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: ctx.callers }, () => app.getMetadata()));
      failures = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    });
    return { ...sample, failures, callers: ctx.callers };
  } finally {
    app.dispose();
  }
}

/**
 * A sign-in in real Chromium. Counted from the first token request after the browser came back to
 * the loopback receiver (the code exchange) to signed in and stored; the login page itself is the
 * provider's and the person's time, the same for both.
 */
export async function signIn(ctx: BenchContext, contender: Contender): Promise<StepSample> {
  await ctx.proxy.quietly(() => contender.clear());
  const openExternal = openExternalWithBrowser(ctx.browser, ctx.account, { freshContextPerLogin: true });
  const app = start(ctx, contender, openExternal);
  try {
    await app.launch();
    // A person takes a moment to press "Sign in": what the launch started in the background is over.
    await ctx.proxy.settled();
    const from = performance.now();
    await app.signIn();
    const to = performance.now();
    const exchange = ctx.proxy.log.find(
      (entry) => entry.at >= from && `${entry.method} ${entry.path}` === TOKEN_REQUEST,
    );
    if (!exchange) fail(contender, 'no token request was seen during the sign-in');
    const sample = stepBetween(ctx.proxy.log, ctx.keychain.calls, exchange.at, to);
    sample.keychain = stepBetween(ctx.proxy.log, ctx.keychain.calls, from, to).keychain;
    return sample;
  } finally {
    await openExternal.close();
    app.dispose();
  }
}

/** Every scenario once, for one contender. */
export async function runScenarios(
  ctx: BenchContext,
  contender: Contender,
  run: number,
): Promise<ContenderSample> {
  const used = await restoreAndUse(ctx, contender, run);
  return {
    ...used,
    restoreExpired: await restoreExpired(ctx, contender),
    concurrentExpired: await concurrentExpired(ctx, contender),
    signIn: await signIn(ctx, contender),
  };
}
