import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRE_ELECTRON_ENV } from '../../../../e2e/harness/electron-binary';

/**
 * The real Playwright CLI running the `electron` project on one spec with no Electron binary:
 * ELECTRON_OVERRIDE_DIST_PATH points at an empty folder, so the outcome is the same on a machine that
 * has a binary. Without LATCHKEY_REQUIRE_ELECTRON the test is skipped with the reason (the build
 * machines); with it (CI) the test fails with the reason and Playwright exits non-zero.
 */

const SPEC = 'tests/e2e/keyboard.spec.ts';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-harness-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; skipped: number };
  suites: Array<{
    specs: Array<{
      tests: Array<{
        annotations: Array<{ type: string; description?: string }>;
        results: Array<{ status: string; errors: Array<{ message?: string }> }>;
      }>;
    }>;
  }>;
}

async function runElectronProject(extraEnv: Record<string, string>) {
  const report = join(dir, `report-${Object.keys(extraEnv).length}.json`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron-here'),
    LATCHKEY_E2E_SKIP_BUILD: '1',
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
    ...extraEnv,
  };
  if (!(REQUIRE_ELECTRON_ENV in extraEnv)) delete env[REQUIRE_ELECTRON_ENV];
  const child = spawn(
    process.execPath,
    ['node_modules/@playwright/test/cli.js', 'test', '--project=electron', '--reporter=json', SPEC],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const parsed = JSON.parse(await readFile(report, 'utf8')) as PlaywrightReport;
  const tests = parsed.suites.flatMap((suite) => suite.specs.flatMap((spec) => spec.tests));
  return { code, stderr, stats: parsed.stats, tests };
}

// Each case starts a whole Playwright process (config, global setup, one worker): seconds when the
// machine is idle, longer when the rest of the suite shares its two cores.
describe('the Playwright electron project with no Electron binary', { timeout: 120_000 }, () => {
  it('is skipped, with the reason, when the switch is off (the build machines)', async () => {
    const run = await runElectronProject({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stats).toMatchObject({ expected: 0, unexpected: 0, skipped: 1 });
    expect(run.tests[0]!.annotations).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        description: expect.stringMatching(
          /^Electron binary not installed here: ELECTRON_OVERRIDE_DIST_PATH is set/,
        ),
      }),
    );
  });

  it(`fails, with the reason, under ${REQUIRE_ELECTRON_ENV}=1 (CI), and Playwright exits non-zero`, async () => {
    const run = await runElectronProject({ [REQUIRE_ELECTRON_ENV]: '1' });
    expect(run.code).toBe(1);
    expect(run.stats).toMatchObject({ expected: 0, unexpected: 1, skipped: 0 });
    const [result] = run.tests[0]!.results;
    expect(result!.status).toBe('failed');
    expect(result!.errors[0]!.message).toContain(
      `${REQUIRE_ELECTRON_ENV}=1 but the Electron binary is missing: ELECTRON_OVERRIDE_DIST_PATH is set`,
    );
  });
});
