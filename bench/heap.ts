import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Contender } from './contender';
import type { KeychainBackend } from '../main/keychain/keychain-store';
import type { IdpProcess } from './idp-process';
import type { LatencyProxy } from './latency-proxy';
import { expireProviderAccessTokens, freshSession } from './provider-session';
import type { HeapResult } from './results-view';

type Gc = () => void;

async function settledHeapUsed(gc: Gc, proxy: LatencyProxy): Promise<number> {
  // What the last launch left running in the background (a discovery refresh) finishes first.
  await proxy.settled(100);
  // Several rounds: finalizers and weak references released by one GC are collected by the next.
  for (let round = 0; round < 6; round += 1) {
    gc();
    await nextTurn();
    await sleep(5);
  }
  return process.memoryUsage().heapUsed;
}

async function cycle(idp: IdpProcess, contender: Contender, backend: KeychainBackend): Promise<void> {
  // The access token has run out: at the provider (for the baseline, which learns it from a 401)
  // and on the app's clock (for Latchkey, which reads expiresAt).
  await expireProviderAccessTokens(idp);
  const app = contender.start({
    backend,
    openExternal: () => Promise.reject(new Error('bench: no browser here')),
  });
  try {
    app.passExpiry();
    const timeline = await app.launch();
    if (!timeline.signedIn)
      throw new Error(`bench (${contender.name}): a restore/refresh cycle ended signed out`);
  } finally {
    app.dispose();
  }
}

/**
 * Main-process heap growth over `cycles` launches that each restore a stored session and refresh its
 * expired access token, per contender. Runs at latency 0 with nothing recorded by the proxy (its own
 * log would grow), before the other scenarios (nothing of theirs is left to be collected meanwhile).
 * `warmup` cycles of every contender run first, so that one-time work (module loading, optimised
 * code, connection pools), shared by both apps, is not counted as either one's growth.
 */
export async function heapGrowth(options: {
  proxy: LatencyProxy;
  idp: IdpProcess;
  contenders: readonly Contender[];
  backend: KeychainBackend;
  login: string;
  cycles: number;
  warmup: number;
  progress: (line: string) => void;
}): Promise<Record<Contender['name'], HeapResult>> {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) throw new Error('bench: run node with --expose-gc for the heap figure');
  const { proxy, idp, contenders, backend } = options;
  const run = async (contender: Contender, count: number) => {
    for (let index = 0; index < count; index += 1) await cycle(idp, contender, backend);
  };
  return proxy.quietly(async () => {
    for (const contender of contenders) {
      await contender.clear();
      await contender.seed(await freshSession(idp, options.login));
      await run(contender, options.warmup);
    }
    const results = {} as Record<Contender['name'], HeapResult>;
    for (const contender of contenders) {
      options.progress(`heap: ${options.cycles} restore/refresh cycles, ${contender.name} (latency 0)`);
      const half = Math.floor(options.cycles / 2);
      const before = await settledHeapUsed(gc, proxy);
      let started = performance.now();
      await run(contender, half);
      let ms = performance.now() - started;
      // Half-way: a leak keeps growing in the second half; a one-time cost does not.
      const middle = await settledHeapUsed(gc, proxy);
      started = performance.now();
      await run(contender, options.cycles - half);
      ms += performance.now() - started;
      const after = await settledHeapUsed(gc, proxy);
      results[contender.name] = { bytes: after - before, secondHalfBytes: after - middle, ms };
    }
    for (const contender of contenders) await contender.clear();
    return results;
  });
}
