import { execFileSync } from 'node:child_process';
import { findElectronBinary } from './harness/electron-binary';

/**
 * Builds what the projects load: the production renderer always (a stale dist/ would test old code;
 * the build takes about a second), the main bundle only where Electron can run it.
 */
// Playwright loads globalSetup through its default export.
// eslint-disable-next-line no-restricted-syntax
export default function globalSetup(): void {
  if (process.env.LATCHKEY_E2E_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', '--silent', 'build:renderer'], { stdio: 'inherit' });
  if (findElectronBinary().available)
    execFileSync('npm', ['run', '--silent', 'build:main'], { stdio: 'inherit' });
}
