import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the Electron binary is, or why there is none. `npm ci` downloads it on a person's machine
 * and on hosted CI; where the download is skipped (ELECTRON_SKIP_BINARY_DOWNLOAD, these build
 * machines) node_modules/electron has no path.txt and the electron project skips itself.
 */
export type ElectronBinary =
  { available: true; executablePath: string } | { available: false; reason: string };

export function findElectronBinary(): ElectronBinary {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const packageDir = resolve('node_modules/electron');
  if (override) {
    const platformPath = readPlatformPath(packageDir);
    const executablePath = platformPath ? join(override, platformPath) : override;
    if (existsSync(executablePath)) return { available: true, executablePath };
    return {
      available: false,
      reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${executablePath} does not exist`,
    };
  }
  const platformPath = readPlatformPath(packageDir);
  if (!platformPath) {
    return {
      available: false,
      reason: 'node_modules/electron/path.txt is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)',
    };
  }
  const executablePath = join(packageDir, 'dist', platformPath);
  if (!existsSync(executablePath)) return { available: false, reason: `${executablePath} is missing` };
  return { available: true, executablePath };
}

function readPlatformPath(packageDir: string): string | null {
  try {
    return readFileSync(join(packageDir, 'path.txt'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export const ELECTRON_SKIP_PREFIX = 'Electron binary not installed here: ';
