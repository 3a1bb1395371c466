import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the Electron binary is, or why there is none, found the way Electron 45's own
 * `require('electron')` finds it (node_modules/electron/index.js, getElectronPath):
 * - path.txt (written by the package's install script) names the executable inside the
 *   distribution: `electron`, `electron.exe` or `Electron.app/Contents/MacOS/Electron`;
 * - with ELECTRON_OVERRIDE_DIST_PATH set, the binary is `<that folder>/<path.txt or 'electron'>`;
 * - otherwise it is node_modules/electron/dist/<path.txt>.
 * Unlike index.js, this never downloads. Since Electron 42 the package has no postinstall: `npm ci`
 * installs no binary, and index.js downloads one on first use ("lazy electron download",
 * electron/electron#49328; docs/breaking-changes.md, 42.0). CI installs it explicitly after `npm ci`
 * (`npx --no install-electron`, .github/workflows/ci.yml); a test run never fetches one behind
 * anyone's back.
 */
export type ElectronBinary =
  { available: true; executablePath: string } | { available: false; reason: string };

export function findElectronBinary(
  env: Readonly<Record<string, string | undefined>> = process.env,
  packageDir: string = resolve('node_modules/electron'),
): ElectronBinary {
  const platformPath = readPlatformPath(packageDir);
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executablePath = join(override, platformPath ?? 'electron');
    if (existsSync(executablePath)) return { available: true, executablePath };
    return {
      available: false,
      reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${executablePath} does not exist`,
    };
  }
  if (!platformPath) {
    return {
      available: false,
      reason: `${join(packageDir, 'path.txt')} is missing: the binary was never installed (run \`npx --no install-electron\` after npm ci)`,
    };
  }
  const executablePath = join(packageDir, 'dist', platformPath);
  if (!existsSync(executablePath)) return { available: false, reason: `${executablePath} is missing` };
  return { available: true, executablePath };
}

/** index.js reads path.txt as is; the install script writes it without a newline. */
function readPlatformPath(packageDir: string): string | null {
  try {
    return readFileSync(join(packageDir, 'path.txt'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * The switch CI sets where Electron must run (.github/workflows/ci.yml): with it, a missing binary
 * fails every test of the Playwright `electron` project instead of skipping it, so a run that should
 * exercise the real app either does or goes red. Without it (the build machines, .ci/run) the
 * project skips itself with the reason.
 */
export const REQUIRE_ELECTRON_ENV = 'LATCHKEY_REQUIRE_ELECTRON';

export const ELECTRON_SKIP_PREFIX = 'Electron binary not installed here: ';
export const ELECTRON_REQUIRED_PREFIX = `${REQUIRE_ELECTRON_ENV}=1 but the Electron binary is missing: `;

/** What the `electron` project does with what findElectronBinary found. */
export type ElectronProjectPlan =
  | { action: 'run'; executablePath: string }
  | { action: 'skip'; reason: string }
  | { action: 'fail'; reason: string };

export function planElectronProject(
  binary: ElectronBinary,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ElectronProjectPlan {
  if (binary.available) return { action: 'run', executablePath: binary.executablePath };
  if (env[REQUIRE_ELECTRON_ENV] === '1')
    return { action: 'fail', reason: `${ELECTRON_REQUIRED_PREFIX}${binary.reason}` };
  return { action: 'skip', reason: `${ELECTRON_SKIP_PREFIX}${binary.reason}` };
}
