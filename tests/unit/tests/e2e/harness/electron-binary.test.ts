import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findElectronBinary,
  planElectronProject,
  REQUIRE_ELECTRON_ENV,
} from '../../../../e2e/harness/electron-binary';

/**
 * The e2e harness's binary lookup against package folders laid out as Electron 45's install script
 * leaves them (node_modules/electron/install.js: dist/ plus path.txt), or as `npm ci` alone leaves
 * them since Electron 42 (neither).
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-electron-pkg-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function installedPackage(platformPath = 'electron'): Promise<string> {
  await writeFile(join(dir, 'path.txt'), platformPath);
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'dist', platformPath), '');
  return dir;
}

describe('findElectronBinary', () => {
  it('finds dist/<path.txt> as index.js does', async () => {
    const packageDir = await installedPackage();
    expect(findElectronBinary({}, packageDir)).toEqual({
      available: true,
      executablePath: join(packageDir, 'dist', 'electron'),
    });
  });

  it('npm ci alone (no path.txt since Electron 42): not available, saying how to install it', () => {
    const found = findElectronBinary({}, dir);
    expect(found.available).toBe(false);
    expect(found).toMatchObject({ reason: expect.stringContaining('npx --no install-electron') });
  });

  it('path.txt without the binary it names: not available', async () => {
    await writeFile(join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary({}, dir)).toMatchObject({ available: false });
  });

  it('ELECTRON_OVERRIDE_DIST_PATH: <override>/<path.txt>, or <override>/electron without path.txt, as index.js joins them', async () => {
    const override = await mkdtemp(join(tmpdir(), 'latchkey-electron-dist-'));
    try {
      await writeFile(join(override, 'electron'), '');
      expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: override }, dir)).toEqual({
        available: true,
        executablePath: join(override, 'electron'),
      });
      await writeFile(join(dir, 'path.txt'), 'electron.exe');
      expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: override }, dir)).toMatchObject({
        available: false,
        reason: expect.stringContaining(join(override, 'electron.exe')),
      });
    } finally {
      await rm(override, { recursive: true, force: true });
    }
  });
});

describe('planElectronProject', () => {
  const missing = { available: false, reason: 'no binary' } as const;

  it(`a missing binary is skipped with the reason, unless ${REQUIRE_ELECTRON_ENV}=1 makes it a failure`, () => {
    expect(planElectronProject(missing, {})).toEqual({
      action: 'skip',
      reason: 'Electron binary not installed here: no binary',
    });
    expect(planElectronProject(missing, { [REQUIRE_ELECTRON_ENV]: '1' })).toEqual({
      action: 'fail',
      reason: `${REQUIRE_ELECTRON_ENV}=1 but the Electron binary is missing: no binary`,
    });
  });

  it('a binary that is there runs, switch or not', () => {
    const found = { available: true, executablePath: '/x/electron' } as const;
    for (const env of [{}, { [REQUIRE_ELECTRON_ENV]: '1' }])
      expect(planElectronProject(found, env)).toEqual({ action: 'run', executablePath: '/x/electron' });
  });
});
