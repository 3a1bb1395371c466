import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, METHOD_NAMES } from '../../../../common/channels';
import { startIdp, type RunningIdp } from '../../../../idp';
import {
  createRuleEnforcingElectron,
  loadWithStandIn,
  runSandboxedPreload,
  type RuleEnforcingElectron,
} from '../../../fixtures/electron-rules';

/**
 * The startup check: the built main bundle (dist/main/app.cjs, as package.json `main` names it)
 * started under plain Node, with `require('electron')` answered by a stand-in that enforces Electron's
 * documented rule for each call the app makes (tests/fixtures/electron-rules.ts). It runs on the
 * build machines, where the Electron binary cannot. It proves the calls' order and shape; it cannot
 * prove that Electron or Chromium accept them (nothing is drawn, loaded or sandboxed), which only the
 * Playwright `electron` project shows, where the binary is installed.
 */

const ROOT = resolve('.');
const APP_BUNDLE = join(ROOT, 'dist', 'main', 'app.cjs');
const PRELOAD_BUNDLE = join(ROOT, 'dist', 'preload', 'index.cjs');
const LATCHKEY_VARS = ['ISSUER', 'CLIENT_ID', 'AUDIENCE', 'SCOPES', 'USERS_API', 'AUTH0_DOMAIN'].map(
  (name) => `LATCHKEY_${name}`,
);

let idp: RunningIdp;
let dir: string;
const restores: Array<() => void> = [];

beforeAll(async () => {
  // The check is about the bundle as built from this source: build it (esbuild, about a second).
  execFileSync(process.execPath, ['scripts/build-main.mjs'], { cwd: ROOT, stdio: 'inherit' });
  idp = await startIdp();
  dir = await mkdtemp(join(tmpdir(), 'latchkey-startup-'));
});
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
  for (const name of LATCHKEY_VARS) delete process.env[name];
});
afterAll(async () => {
  await idp.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

function standIn(name: string): RuleEnforcingElectron {
  const home = join(dir, name);
  return createRuleEnforcingElectron({
    paths: {
      appData: join(home, 'app-data'),
      userData: join(home, 'app-data', 'Latchkey'),
      logs: join(home, 'logs'),
    },
  });
}

/** Loads `bundle` under the stand-in and waits for its `started` promise (the app's whole startup). */
async function start(bundle: string, electron: RuleEnforcingElectron) {
  const { exports, restore } = loadWithStandIn(bundle, electron);
  restores.push(restore);
  const started = (exports as { started?: Promise<unknown> }).started;
  return started ? await started : undefined;
}

describe('startup check (stand-in Electron enforcing its documented rules; proves call order and shape, not that Electron or Chromium accept them)', () => {
  it('dist/main/app.cjs breaks no rule, loads the app entry URL and handles every contract channel', async () => {
    process.env.LATCHKEY_ISSUER = idp.issuer;
    process.env.LATCHKEY_CLIENT_ID = idp.clientId;
    process.env.LATCHKEY_AUDIENCE = idp.audience;
    process.env.LATCHKEY_USERS_API = `${idp.issuer}/api/v2`;
    const electron = standIn('app');
    const running = (await start(APP_BUNDLE, electron)) as { lifecycle: { stop(): void } } | undefined;
    try {
      expect(electron.breaks).toEqual([]);
      expect(electron.dialogCalls).toEqual([]);
      expect(electron.electron.app.exitCode).toBeUndefined();
      expect(running).toBeDefined();

      expect(electron.privilegedSchemes).toEqual([
        expect.objectContaining({
          scheme: 'app',
          privileges: expect.objectContaining({ standard: true, secure: true }),
        }),
      ]);
      expect(electron.handledSchemes).toEqual(['app']);
      expect(electron.loadedUrls).toEqual(['app://latchkey/index.html']);
      expect(electron.preloads).toEqual([PRELOAD_BUNDLE]);
      expect([...electron.ipcChannels].sort()).toEqual(METHOD_NAMES.map((name) => CHANNELS[name]).sort());
      expect(electron.applicationMenu).toBeDefined();
    } finally {
      running?.lifecycle.stop();
      // What quitting does: the session is disposed (its timers stop) before the worker moves on.
      electron.electron.app.emit('will-quit', { preventDefault: () => undefined });
    }
  });

  it('the preload runs in a sandbox-like context, requires nothing but electron, and exposes every contract method', async () => {
    const electron = standIn('preload');
    const { exposed, invoked } = runSandboxedPreload(PRELOAD_BUNDLE, electron.breaks);
    expect(electron.breaks).toEqual([]);
    const api = exposed.latchkey as Record<string, (input?: unknown) => Promise<unknown>>;
    for (const name of METHOD_NAMES) expect(typeof api[name], name).toBe('function');
    await api.getSessionState!();
    expect(invoked).toEqual([{ channel: CHANNELS.getSessionState, input: undefined }]);
  });

  it('the main bundle loads from node_modules only electron and its production dependencies (oidc-provider only in development)', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const bundle = await readFile(APP_BUNDLE, 'utf8');
    const loaded = new Set(
      [...bundle.matchAll(/(?:require|import)\("([^"]+)"\)/g)]
        .map((match) => match[1]!)
        .filter((name) => !name.startsWith('node:') && !name.startsWith('.'))
        .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!)),
    );
    const allowed = new Set(['electron', 'oidc-provider', ...Object.keys(pkg.dependencies)]);
    expect([...loaded].filter((name) => !allowed.has(name))).toEqual([]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['electron-log', 'keytar']);
  });
});

describe('the startup check can fail: each rule, broken on purpose in a tiny bundle', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'a window before ready',
      `const { BrowserWindow } = require('electron'); new BrowserWindow({});`,
      /new BrowserWindow before ready/,
    ],
    [
      'schemes registered after ready',
      `const { app, protocol } = require('electron'); exports.started = app.whenReady().then(() => protocol.registerSchemesAsPrivileged([]));`,
      /registerSchemesAsPrivileged after ready/,
    ],
    [
      'protocol.handle before ready',
      `require('electron').protocol.handle('app', () => null);`,
      /protocol.handle\('app'\) before ready/,
    ],
    [
      'the default session before ready',
      `require('electron').session.defaultSession;`,
      /session.defaultSession before ready/,
    ],
    [
      'the sandbox enabled after ready',
      `const { app } = require('electron'); exports.started = app.whenReady().then(() => app.enableSandbox());`,
      /app.enableSandbox after ready/,
    ],
    [
      'the user-data folder moved after the lock',
      `const { app } = require('electron'); app.requestSingleInstanceLock(); app.setPath('userData', require('node:os').tmpdir());`,
      /app.setPath\('userData'\)/,
    ],
    [
      'a preload that does not exist',
      `const { app, BrowserWindow } = require('electron'); exports.started = app.whenReady().then(() => new BrowserWindow({ webPreferences: { preload: '/nonexistent/preload.cjs' } }));`,
      /preload: \/nonexistent/,
    ],
    ['net before ready', `require('electron').net.fetch('https://example.org/');`, /net.fetch before ready/],
  ];
  for (const [what, source, call] of cases) {
    it(what, async () => {
      const bundle = join(dir, `${what.replaceAll(' ', '-')}.cjs`);
      await writeFile(bundle, source);
      const electron = standIn(what.replaceAll(' ', '-'));
      await start(bundle, electron).catch(() => undefined);
      expect(electron.breaks.map((broken) => broken.call)).toEqual([expect.stringMatching(call)]);
    });
  }

  it('a preload that requires anything but electron', async () => {
    const preload = join(dir, 'bad-preload.cjs');
    await writeFile(preload, `require('electron'); require('node:fs');`);
    const breaks: Array<{ rule: string; call: string }> = [];
    expect(() => runSandboxedPreload(preload, breaks)).toThrow();
    expect(breaks.map((broken) => broken.call)).toEqual(["preload require('node:fs')"]);
  });
});
