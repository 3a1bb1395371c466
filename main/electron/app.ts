import {
  app,
  BrowserWindow,
  dialog,
  net,
  powerMonitor,
  screen,
  session as electronSession,
  shell,
} from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../../common/diagnostics';
import type { ProviderSettings } from '../auth/types';
import { avatarUrlFor, createAvatarCache, currentPicture } from '../avatar';
import { configurationHelp, localDemoSettings, resolveProviderChoice } from '../config/settings';
import { chooseUserDataFolder } from '../config/user-data-folder';
import { isLatchkeyError, LatchkeyError } from '../errors';
import { createFileLogger, redactValue, type Logger } from '../log';
import { createServices, type Services } from '../services';
import { createChromiumFetch } from '../shell/chromium-fetch';
import {
  createOpenExternal,
  externalLinkAllowlist,
  openAllowedLink,
  PROJECT_DOCS_URL,
  type ExternalLinkRule,
} from '../shell/external-links';
import { wireLifecycle, wireWindowSummons, type Lifecycle } from '../shell/lifecycle';
import {
  MAIN_WINDOW_SIZES,
  placeWindow,
  readWindowState,
  windowStatePath,
  writeWindowState,
} from '../shell/window-state';
import { broadcastSessionState, registerIpcHandlers } from './ipc';
import { installApplicationMenu } from './menu';
import {
  bringToFront,
  createMainWindow,
  denyAllPermissions,
  guardWebContents,
  installAppProtocol,
  registerAppScheme,
} from './window';

/**
 * The composition root, and the only file that wires: configuration -> services -> window -> IPC ->
 * session restore. Everything it calls is tested on its own; this file only decides the order.
 */

export interface RunningApp {
  services: Services;
  provider: NonNullable<Diagnostics['provider']>;
  lifecycle: Lifecycle;
  getWindow(): BrowserWindow | undefined;
  log: Logger;
}

/** The port the local demo provider prefers in development (its issuer is then stable across runs). */
const LOCAL_PROVIDER_PORT = 4400;

// Must happen before `ready` ("This method can only be used before the `ready` event of the `app`
// module gets emitted and can be called only once"): a scheme registered later is not privileged.
registerAppScheme();

/** Resolves once the app is up (or undefined when this launch handed over to a running instance). */
export const started: Promise<RunningApp | undefined> = main().catch((error: unknown) => {
  fail('Latchkey could not start', error);
  return undefined;
});

async function main(): Promise<RunningApp | undefined> {
  // Before the lock: the lock lives in the user-data folder current when it is taken
  // (main/config/user-data-folder.ts). app.setPath throws for a folder that does not exist
  // (https://www.electronjs.org/docs/latest/api/app#appsetpathname-path), hence mkdir first.
  const userDataDir = chooseUserDataFolder({
    argv: process.argv,
    isPackaged: app.isPackaged,
    appDataDir: app.getPath('appData'),
  });
  if (userDataDir) {
    mkdirSync(userDataDir, { recursive: true });
    app.setPath('userData', userDataDir);
    // The logs go with the folder (on macOS they would otherwise share ~/Library/Logs/Latchkey).
    app.setAppLogsPath(join(userDataDir, 'logs'));
  }
  // One instance: a second launch only wakes the first. Listened to from here on, not once startup
  // is over, so a launch during startup is not lost (wireWindowSummons, main/shell/lifecycle.ts).
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  const summons = wireWindowSummons(app);
  // Every renderer sandboxed, whatever a window's own preferences say. Before `ready` only.
  app.enableSandbox();
  await app.whenReady();

  const log = createFileLogger({
    filePath: join(app.getPath('logs'), 'main.log'),
    level: app.isPackaged ? 'info' : 'debug',
    console: !app.isPackaged,
  });
  log.info(
    `Latchkey ${app.getVersion()} starting (Electron ${process.versions.electron ?? '?'}, ${process.platform})`,
  );
  denyAllPermissions(electronSession.defaultSession, log);

  const openExternal = createOpenExternal({
    env: process.env,
    isPackaged: app.isPackaged,
    systemOpen: (url) => shell.openExternal(url),
    writeStdout: (line) => void process.stdout.write(line),
    log,
  });
  // Until the provider is known nothing may be opened (the menu exists before that).
  let allowlist: readonly ExternalLinkRule[] = [];
  installApplicationMenu({
    openDocs: () => openAllowedLink(PROJECT_DOCS_URL, allowlist, openExternal, log),
    website: PROJECT_DOCS_URL,
    iconPath: developmentIcon(),
  });

  const provider = await chooseProvider(log);
  if (!provider) return undefined;
  const { settings, diagnostics: providerInfo, cleanups } = provider;

  allowlist = externalLinkAllowlist(settings.issuer);
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, { allowlist, openExternal, log }),
  );

  // Every request main makes goes through Chromium's network stack (the system proxy settings,
  // Chromium's certificate checks):
  // main/shell/chromium-fetch.ts.
  const chromiumFetch = createChromiumFetch(net);
  const services = createServices({
    settings,
    openExternal,
    // shell.openPath resolves with an error message, or "" on success (Electron's shell API:
    // https://www.electronjs.org/docs/latest/api/shell#shellopenpathpath; electron.d.ts 45.5.0
    // `openPath(path: string): Promise<string>`). On a folder, "the desktop's default manner" is the
    // file manager. Only main knows the path; nothing of it crosses IPC.
    showLogs: async () => {
      const failure = await shell.openPath(app.getPath('logs'));
      if (failure) throw new LatchkeyError('NOT_FOUND', `The log folder could not be opened (${failure}).`);
    },
    fetch: chromiumFetch,
    log,
    sessionOptions: { platform: process.platform },
    decorations: { provider: providerInfo, localPicture: avatarUrlFor },
  });

  const avatars = createAvatarCache({
    // Not Chromium's stack: the picture host is chosen by the provider, so main/avatar.ts checks every
    // address a host name resolves to before it connects (no local services, whatever DNS says), and
    // Electron's net offers no hook for that. Behind a proxy Node cannot pass, the page shows initials.
    cacheDir: join(app.getPath('userData'), 'avatars'),
    issuer: settings.issuer,
    log,
  });
  installAppProtocol({
    rendererRoot: join(appRoot(), 'dist', 'renderer'),
    avatar: () => avatars.get(currentPicture(services.session)),
  });

  // Windows Latchkey made itself; the IPC sender guard answers only these.
  const trusted = new Set<number>();
  let window: BrowserWindow | undefined;
  const statePath = windowStatePath(app.getPath('userData'));
  const openWindow = (): BrowserWindow => {
    const created = createMainWindow({
      preloadPath: join(appRoot(), 'dist', 'preload', 'index.cjs'),
      devTools: !app.isPackaged,
      iconPath: developmentIcon(),
      placement: placeWindow(
        readWindowState(statePath),
        screen.getAllDisplays().map((display) => display.workArea),
        MAIN_WINDOW_SIZES,
      ),
      onClosing: (state) => {
        try {
          writeWindowState(statePath, state);
        } catch (error) {
          log.warn('the window position could not be saved', error);
        }
      },
      log,
    });
    const id = created.webContents.id;
    trusted.add(id);
    created.on('closed', () => {
      trusted.delete(id);
      if (window === created) window = undefined;
    });
    window = created;
    return created;
  };
  const showWindow = (): void => {
    const target = window && !window.isDestroyed() ? window : openWindow();
    bringToFront(target, process.platform === 'darwin' ? () => app.focus({ steal: true }) : undefined);
  };
  openWindow();
  // A second launch or a dock click from now on (and one that came during startup) shows the window,
  // re-creating it on macOS when it was closed.
  summons.attach(showWindow);

  const isTrustedWebContents = (id: number): boolean => trusted.has(id);
  registerIpcHandlers({ handlers: services.handlers, isTrustedWebContents, log });
  broadcastSessionState({
    session: services.stateUpdates,
    windows: () => BrowserWindow.getAllWindows(),
    isTrustedWebContents,
    log,
  });

  const lifecycle = wireLifecycle({
    app,
    powerMonitor,
    session: services.session,
    isOnline: () => net.isOnline(),
    showWindow,
    cleanups,
    platform: process.platform,
    log,
  });

  // The cached profile shows at once; validation with the provider follows in the background.
  services.session.restore().catch((error: unknown) => log.error('restoring the session failed', error));
  return { services, provider: providerInfo, lifecycle, getWindow: () => window, log };
}

interface ChosenProvider {
  settings: ProviderSettings;
  diagnostics: NonNullable<Diagnostics['provider']>;
  cleanups: Array<() => Promise<void>>;
}

/** Reads the configuration; starts the local demo provider when a development build has none. */
async function chooseProvider(log: Logger): Promise<ChosenProvider | undefined> {
  let choice;
  try {
    choice = await resolveProviderChoice({
      argv: process.argv,
      env: process.env,
      userDataDir: app.getPath('userData'),
      isPackaged: app.isPackaged,
    });
  } catch (error) {
    if (!isLatchkeyError(error, 'CONFIG_INVALID')) throw error;
    log.error(error.message);
    dialog.showErrorBox('Latchkey: the provider settings are invalid', error.message);
    app.quit();
    return undefined;
  }

  if (choice.kind === 'unconfigured') {
    log.warn(`no provider configured; expected ${choice.settingsFile}`);
    dialog.showErrorBox('Latchkey is not configured yet', configurationHelp(choice.settingsFile));
    app.quit();
    return undefined;
  }

  if (choice.kind === 'configured') {
    log.info(`provider: ${choice.settings.issuer} (client ${choice.settings.clientId})`);
    return {
      settings: choice.settings,
      diagnostics: { kind: 'configured', issuer: choice.settings.issuer },
      cleanups: [],
    };
  }

  // Development with nothing configured: the local provider, in this process. Imported lazily so a
  // packaged build (where it is never used and oidc-provider is not shipped) never loads it.
  const { startIdp } = await import('../../idp');
  const idp = await startIdp({ port: LOCAL_PROVIDER_PORT }).catch((error: unknown) => {
    log.warn(`port ${LOCAL_PROVIDER_PORT} is taken, the local provider uses another one`, error);
    return startIdp({ port: 0 });
  });
  log.info(
    `no provider configured: using the local demo provider at ${idp.issuer} (login ada / lovelace-demo)`,
  );
  return {
    settings: localDemoSettings(idp),
    diagnostics: { kind: 'local-demo', issuer: idp.issuer },
    cleanups: [() => idp.close()],
  };
}

/**
 * The folder holding dist/ (app.asar when packaged). From the bundle's own location (dist/main, where
 * scripts/build-main.mjs writes app.cjs whatever folder this source file sits in), not
 * app.getAppPath(): launched as `electron dist/main/app.cjs` (as the Playwright project does), the
 * app path is dist/main itself.
 */
function appRoot(): string {
  return typeof __dirname === 'string' ? join(__dirname, '..', '..') : app.getAppPath();
}

function developmentIcon(): string | undefined {
  if (app.isPackaged || process.platform === 'darwin') return undefined;
  const icon = join(appRoot(), 'build', 'icons', '512x512.png');
  return existsSync(icon) ? icon : undefined;
}

function fail(title: string, error: unknown): void {
  const message = isLatchkeyError(error)
    ? error.message
    : 'An unexpected error stopped Latchkey. The log has the details.';
  console.error(title, redactValue(error));
  try {
    dialog.showErrorBox(title, message);
  } finally {
    app.exit(1);
  }
}
