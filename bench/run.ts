/**
 * `npm run bench`: Latchkey against the tutorial-style baseline, on the real local provider behind a
 * latency proxy, the real keychain (a private gnome-keyring) and real Chromium. Prints medians; see
 * `npm run bench -- --help`.
 *
 * It re-executes itself once when needed: inside scripts/with-keyring.sh (never the developer's own
 * keychain) and with --expose-gc (the heap figure forces collections).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { localDemoSettings } from '../main/config/settings';
import type { Browser } from '@playwright/test';
import type { KeychainBackend } from '../main/keychain/keychain-store';
import { launchBrowser } from '../tests/fixtures/browser';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './args';
import { measureAuth0Strict, renderAuth0Strict } from './auth0-strict';
import { baselineContender } from './baseline/contender';
import type { Contender } from './contender';
import { countingKeychain, realKeytar } from './counting-keychain';
import { heapGrowth } from './heap';
import { startIdpProcess, type IdpProcess } from './idp-process';
import { buildReport, type RendererSizes } from './json-report';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';
import { latchkeyContender } from './latchkey-contender';
import { machineInfo } from './machine';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from './provider-session';
import { ensureRendererBuild, measureRenderer } from './renderer-size';
import { renderResults } from './results-view';
import { summarizeContender, type ContenderSample } from './samples';
import { runScenarios, type BenchContext } from './scenarios';

const RUN_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT = 'ada';
const HEAP_WARMUP_CYCLES = 50;

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Runs this file again in the environment it needs; resolves with that process's exit code. */
function reexec(argv: string[]): Promise<number> {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', RUN_FILE, ...argv];
  const command =
    process.env.LATCHKEY_TEST_KEYRING === '1'
      ? node
      : [resolve(REPO_ROOT, 'scripts/with-keyring.sh'), ...node];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, LATCHKEY_BENCH_REEXEC: '1' },
  });
  return new Promise((done) => {
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.once('error', (error) => {
      progress(`cannot start ${command[0]}: ${error.message}`);
      done(1);
    });
  });
}

/** `--json FILE` relative to where `npm run bench` was typed (npm runs scripts from the package root). */
function absoluteJsonArgs(argv: readonly string[]): string[] {
  const base = process.env.INIT_CWD ?? process.cwd();
  return argv.map((arg, index) => {
    if (argv[index - 1] === '--json' && !isAbsolute(arg)) return resolve(base, arg);
    if (arg.startsWith('--json=') && !isAbsolute(arg.slice(7)))
      return `--json=${resolve(base, arg.slice(7))}`;
    return arg;
  });
}

async function probeKeychain(service: string): Promise<void> {
  const keytar = await realKeytar();
  try {
    await keytar.setPassword(service, 'probe', 'ok');
    await keytar.deletePassword(service, 'probe');
  } catch (error) {
    throw new Error(`the keychain does not work here: ${(error as Error).message}`, { cause: error });
  }
}

async function bench(options: BenchOptions): Promise<void> {
  const wall = performance.now();
  const rendererIndex = ensureRendererBuild(REPO_ROOT, progress);
  const renderer = await measureRenderer(rendererIndex);

  const service = `Latchkey-bench-${randomBytes(4).toString('hex')}`;
  await probeKeychain(service);
  const real = await realKeytar();

  const proxy = await startLatencyProxy({ latencyMs: options.latencyMs });
  const idp = await startIdpProcess({
    issuerUrl: proxy.url,
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    // The baseline is Auth0's tutorial, which asks for offline_access without prompt=consent (Auth0
    // documents that this is enough): the provider keeps Auth0's rule so the baseline gets its refresh token.
    behaviour: { offlineAccess: 'auth0' },
  });
  proxy.setTarget(idp.port);
  let browser: Browser | undefined;
  try {
    await measureAll(options, {
      proxy,
      idp,
      real,
      service,
      renderer,
      launch: async () => (browser = await launchBrowser()),
    });
  } finally {
    await browser?.close().catch(() => undefined);
    await idp.close().catch(() => undefined);
    await proxy.close().catch(() => undefined);
  }
  progress(`done in ${((performance.now() - wall) / 1000).toFixed(0)} s`);
}

interface Rig {
  proxy: LatencyProxy;
  idp: IdpProcess;
  real: KeychainBackend;
  service: string;
  renderer: RendererSizes;
  launch: () => Promise<Browser>;
}

async function measureAll(options: BenchOptions, rig: Rig): Promise<void> {
  const { proxy, idp, real, service, renderer } = rig;
  const account = idp.accounts.find((candidate) => candidate.login === ACCOUNT);
  if (!account) throw new Error(`the local provider has no account ${ACCOUNT}`);
  const settings = localDemoSettings(idp);
  const latchkey = latchkeyContender({ settings, service: `${service}-latchkey`, setupBackend: real });
  const baseline = baselineContender({ settings, service: `${service}-baseline`, setupBackend: real });

  // First, while nothing else has run in this process: the heap figure.
  const warmup = Math.min(HEAP_WARMUP_CYCLES, options.cycles);
  progress(`heap: ${warmup} unmeasured restore/refresh cycles per app first`);
  const heap = await heapGrowth({
    proxy,
    idp,
    contenders: [latchkey, baseline],
    backend: real,
    login: ACCOUNT,
    cycles: options.cycles,
    warmup,
    progress,
  });

  const browser = await rig.launch();
  const ctx: BenchContext = {
    proxy,
    idp,
    keychain: countingKeychain(real),
    setupBackend: real,
    browser,
    account: { login: account.login, password: account.password },
    callers: options.callers,
  };

  try {
    const samples: Record<Contender['name'], ContenderSample[]> = { latchkey: [], baseline: [] };
    for (let run = 0; run < options.runs; run += 1) {
      // Alternate who goes first, so neither always meets a warmer provider.
      for (const contender of run % 2 === 0 ? [latchkey, baseline] : [baseline, latchkey]) {
        progress(`run ${run + 1}/${options.runs}: ${contender.name}`);
        samples[contender.name].push(await runScenarios(ctx, contender, run));
        ctx.keychain.clear();
        proxy.clear();
      }
    }

    const latchkeySummary = summarizeContender(samples.latchkey);
    const baselineSummary = summarizeContender(samples.baseline);
    const results = {
      latencyMs: options.latencyMs,
      runs: options.runs,
      latchkey: latchkeySummary,
      baseline: baselineSummary,
      heap: {
        cycles: options.cycles,
        warmup,
        latchkey: heap.latchkey,
        baseline: heap.baseline,
      },
      renderer,
      machine: machineInfo(),
    };
    process.stdout.write(`${renderResults(results, options.markdown ? 'markdown' : 'text')}\n`);

    // Beside the figures above: what Auth0's separate Management API token costs (issue #15).
    const auth0 = await measureAuth0Strict({
      latencyMs: options.latencyMs,
      browser,
      backend: real,
      progress,
    });
    process.stdout.write(`\n${renderAuth0Strict(auth0)}\n`);

    if (options.jsonFile) {
      const report = buildReport({
        latencyMs: options.latencyMs,
        latchkey: latchkeySummary,
        baseline: baselineSummary,
        heapGrowthBytes: { latchkey: heap.latchkey.bytes, baseline: heap.baseline.bytes },
        renderer,
      });
      await mkdir(dirname(options.jsonFile), { recursive: true });
      await writeFile(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
      progress(`figures written to ${options.jsonFile}`);
    }
  } finally {
    await Promise.allSettled([latchkey.clear(), baseline.clear()]);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (process.env.LATCHKEY_TEST_KEYRING !== '1' || !hasGc) {
    if (process.env.LATCHKEY_BENCH_REEXEC === '1') {
      process.stderr.write('bench: still no private keyring or --expose-gc after re-executing; giving up\n');
      return 1;
    }
    return reexec(absoluteJsonArgs(argv));
  }
  await bench({ ...options, jsonFile: options.jsonFile && resolve(options.jsonFile) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
