import { execSync } from 'node:child_process';
import { findElectronBinary, planElectronProject } from './harness/electron-binary';

/**
 * Builds what the projects load: the production renderer always (a stale dist/ would test old code;
 * the build takes about a second), the main bundle only where the electron project will run it.
 */
// Playwright loads globalSetup through its default export.
// eslint-disable-next-line no-restricted-syntax
export default function globalSetup(): void {
  if (process.env.LATCHKEY_E2E_SKIP_BUILD === '1') return;
  runNpmScript('build:renderer');
  if (planElectronProject(findElectronBinary()).action !== 'skip') runNpmScript('build:main');
}

/**
 * `npm run <script>` on every OS. On Windows npm is `npm.cmd`, a batch file: spawning it without a
 * shell fails (ENOENT for `npm`, EINVAL for `npm.cmd` since the CVE-2024-27980 fix, Node 18.20.2 /
 * 20.12.2), and `shell: true` with an argument array is deprecated (DEP0190, runtime since Node 24).
 * Node's documented way is exec, which runs one command string through the shell (cmd.exe /d /s /c
 * on Windows): https://nodejs.org/api/child_process.html#spawning-bat-and-cmd-files-on-windows.
 * The command is a fixed string built from a script name checked here, never from outside input.
 */
function runNpmScript(script: 'build:renderer' | 'build:main'): void {
  execSync(`npm run --silent ${script}`, { stdio: 'inherit' });
}
