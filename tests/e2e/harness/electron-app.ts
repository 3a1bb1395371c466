import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { TEST_OPEN_EXTERNAL_ENV, TEST_OPEN_EXTERNAL_PREFIX } from '../../../main/shell/external-links';
import { ENV_NAMES } from '../../../main/config/sources';
import type { LatchkeyApi } from '../../../common/contract';
import type { AppDriver } from './app-driver';
import { ExternalUrlQueue } from './external-urls';
import type { TestProvider } from './provider';

export interface ElectronAppOptions {
  executablePath: string;
  provider: TestProvider;
  colorScheme?: 'light' | 'dark';
}

/**
 * The electron project's app: the real Electron app (dist/main/app.cjs) configured for the test's
 * provider through its LATCHKEY_* variables, with a private user-data folder. With
 * LATCHKEY_TEST_OPEN_EXTERNAL=stdout it prints `LATCHKEY_OPEN_EXTERNAL <url>` instead of opening a
 * browser (createOpenExternal in main/shell/external-links.ts); the test signs in from that URL in Chromium.
 */
export class ElectronApp implements AppDriver {
  readonly kind = 'electron';
  private readonly urls = new ExternalUrlQueue();
  private app!: ElectronApplication;
  private window!: Page;

  private constructor(
    private readonly options: ElectronAppOptions,
    private readonly userDataDir: string,
  ) {}

  static async launch(options: ElectronAppOptions): Promise<ElectronApp> {
    const app = new ElectronApp(options, await mkdtemp(join(tmpdir(), 'latchkey-e2e-')));
    await app.start();
    return app;
  }

  get page(): Page {
    return this.window;
  }

  get externalUrls(): readonly string[] {
    return this.urls.all;
  }

  nextExternalUrl(timeoutMs?: number): Promise<string> {
    return this.urls.next(timeoutMs);
  }

  private async start(): Promise<void> {
    const { settings } = this.options.provider;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, {
      [TEST_OPEN_EXTERNAL_ENV]: 'stdout',
      [ENV_NAMES.issuer]: settings.issuer,
      [ENV_NAMES.clientId]: settings.clientId,
      [ENV_NAMES.audience]: settings.audience ?? '',
      [ENV_NAMES.scopes]: settings.scopes.join(' '),
      [ENV_NAMES.usersApi]: settings.usersApi.kind === 'auth0' ? settings.usersApi.baseUrl : 'none',
      ELECTRON_ENABLE_LOGGING: '1',
    });
    this.app = await _electron.launch({
      executablePath: this.options.executablePath,
      args: ['dist/main/app.cjs', `--user-data-dir=${this.userDataDir}`],
      env,
      colorScheme: this.options.colorScheme ?? 'light',
    });
    let buffered = '';
    this.app.process().stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(`${TEST_OPEN_EXTERNAL_PREFIX} `))
          this.urls.push(line.slice(TEST_OPEN_EXTERNAL_PREFIX.length + 1));
      }
    });
    this.window = await this.app.firstWindow();
    await this.window.waitForLoadState('domcontentloaded');
  }

  async restart(): Promise<void> {
    await this.app.close();
    await this.start();
  }

  async recheck(): Promise<void> {
    // What the shell does when the machine wakes: powerMonitor 'resume' → session.recheck().
    await this.app.evaluate(({ powerMonitor }) => {
      powerMonitor.emit('resume');
    });
  }

  async hasStoredSession(): Promise<boolean> {
    const diagnostics = await this.window.evaluate(() =>
      (globalThis as unknown as { latchkey: LatchkeyApi }).latchkey.getDiagnostics(),
    );
    return diagnostics.ok && diagnostics.value.record !== null;
  }

  async close(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await rm(this.userDataDir, { recursive: true, force: true });
  }
}
