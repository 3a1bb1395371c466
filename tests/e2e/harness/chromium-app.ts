import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { APP_ORIGIN } from '../../../common/app-origin';
import type { SessionState } from '../../../common/session-state';
import { avatarUrlFor, createAvatarCache, currentPicture } from '../../../main/avatar';
import { buildIpcRoutes } from '../../../main/ipc/invoke-wrapper';
import { startSessionStateBroadcast } from '../../../main/ipc/state-broadcast';
import {
  createServices,
  type PageDecorations,
  type Services,
  type ServicesOptions,
} from '../../../main/services';
import type { KeychainBackend } from '../../../main/keychain/keychain-store';
import type { AppDriver } from './app-driver';
import { ExternalUrlQueue } from './external-urls';
import { deliver, HARNESS_WEB_CONTENTS_ID, installBridge } from './page-bridge';
import type { TestProvider } from './provider';
import { startRendererServer, type RendererServer } from './renderer-server';

export interface ChromiumAppOptions {
  browser: Browser;
  provider: TestProvider;
  /** A keychain backend with injected faults; the real keytar when absent. */
  keychainBackend?: KeychainBackend;
  session?: ServicesOptions['sessionOptions'];
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** What the shell reports of the provider; main/electron/app.ts says local-demo when it started the demo one. */
  providerKind?: 'local-demo' | 'configured';
}

const quietLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/** As main/electron/app.ts decorates: pictures served from /avatar on the page's own origin (img-src 'self'). */
function decorationsFor(origin: string, issuer: string, kind: 'local-demo' | 'configured'): PageDecorations {
  return {
    provider: { kind, issuer },
    localPicture: (picture) => avatarUrlFor(picture).replace(APP_ORIGIN, origin),
  };
}

/**
 * The chromium project's app: the production renderer (dist/renderer) in Debian Chromium, with
 * window.latchkey bridged to the real createServices(...) handler table, the real keychain (private
 * keyring) and the real provider. openExternal records the URL; the test signs in on a second page.
 * restart() disposes the services and the page and composes them again over the same keychain item.
 */
export class ChromiumApp implements AppDriver {
  readonly kind = 'chromium';
  private readonly urls = new ExternalUrlQueue();
  private readonly keychainService = `latchkey-e2e-${randomUUID()}`;
  /** How many times the page asked main to show the log folder. */
  logFolderShown = 0;
  private services!: Services;
  private server!: RendererServer;
  private context!: BrowserContext;
  private currentPage!: Page;
  private stopBroadcast: () => void = () => undefined;
  private readonly avatars;

  private constructor(private readonly options: ChromiumAppOptions) {
    // As main/electron/app.ts: the provider's own origin is the only local one a picture may be on.
    this.avatars = createAvatarCache({ issuer: options.provider.settings.issuer, log: quietLog });
  }

  static async launch(options: ChromiumAppOptions): Promise<ChromiumApp> {
    const app = new ChromiumApp(options);
    app.server = await startRendererServer({
      avatar: () => app.avatars.get(currentPicture(app.services.session)),
    });
    await app.start();
    return app;
  }

  get page(): Page {
    return this.currentPage;
  }

  get externalUrls(): readonly string[] {
    return this.urls.all;
  }

  nextExternalUrl(timeoutMs?: number): Promise<string> {
    return this.urls.next(timeoutMs);
  }

  private async start(): Promise<void> {
    const { provider } = this.options;
    const origin = this.server.origin;
    this.services = createServices({
      settings: provider.settings,
      fetch: provider.fetch,
      keychain: {
        service: this.keychainService,
        ...(this.options.keychainBackend ? { backend: this.options.keychainBackend } : {}),
      },
      openExternal: async (url) => this.urls.push(url),
      // What "Show logs" asks of the shell (shell.openPath in the app): counted, nothing opened.
      showLogs: async () => {
        this.logFolderShown += 1;
      },
      sessionOptions: { ...this.options.session },
      decorations: decorationsFor(
        origin,
        provider.settings.issuer,
        this.options.providerKind ?? 'configured',
      ),
    });
    // The very handler table and state push main/electron/ipc.ts hands to Electron.
    const routes = buildIpcRoutes(
      this.services.handlers,
      { isTrustedWebContents: (id) => id === HARNESS_WEB_CONTENTS_ID, allowedOrigins: [origin] },
      quietLog,
    );

    this.context = await this.options.browser.newContext({
      colorScheme: this.options.colorScheme ?? 'light',
      viewport: this.options.viewport ?? { width: 1024, height: 720 },
      reducedMotion: 'reduce',
    });
    const page = await this.context.newPage();
    this.currentPage = page;
    await installBridge(page, routes);

    // Pushes in order, one at a time, as webContents.send delivers them.
    let pushes = Promise.resolve();
    this.stopBroadcast = startSessionStateBroadcast({
      session: this.services.stateUpdates,
      targets: () => [
        {
          id: HARNESS_WEB_CONTENTS_ID,
          isDestroyed: () => page.isClosed(),
          getURL: () => page.url(),
          send: (channel: string, state: SessionState) => {
            pushes = pushes.then(() => deliver(page, channel, state));
          },
        },
      ],
      isTrustedWebContents: (id) => id === HARNESS_WEB_CONTENTS_ID,
      allowedOrigins: [origin],
      log: quietLog,
    });

    // As at launch: one keychain read (the cached profile at once), then validation in the background.
    const first = new Promise<void>((resolve) => {
      const stop = this.services.session.subscribe(() => {
        stop();
        resolve();
      });
    });
    const restored = this.services.session.restore();
    restored.catch(() => undefined);
    await Promise.race([first, restored]);
    await page.goto(`${origin}/index.html`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async recheck(): Promise<void> {
    await this.services.session.recheck();
  }

  async hasStoredSession(): Promise<boolean> {
    const read = await this.services.store.read();
    return (read as { kind?: string }).kind === 'found';
  }

  private async stop(): Promise<void> {
    this.stopBroadcast();
    this.services.dispose();
    await this.context.close();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.services.store.delete().catch(() => undefined);
    await this.server.close();
  }
}
