import { app, Menu } from 'electron';
import { aboutPanelOptions, applicationMenuTemplate } from '../shell/app-menu';

/**
 * The application menu and About panel, built by main/shell/app-menu.ts (plain data, unit-tested)
 * and handed to Electron as is. Set right after `ready`, before any window: Electron installs its
 * default menu (with Reload and Toggle Developer Tools) on 'will-finish-launching' only when the app
 * has set none (electron/electron lib/browser/init.ts), and on Windows and Linux a new window takes
 * the application menu that exists when it is created (lib/browser/api/base-window.ts).
 */
export function installApplicationMenu(options: {
  openDocs: () => void;
  website: string;
  iconPath?: string | undefined;
}): void {
  const appName = 'Latchkey';
  app.setAboutPanelOptions(
    aboutPanelOptions({
      appName,
      version: app.getVersion(),
      platform: process.platform,
      website: options.website,
      iconPath: options.iconPath,
    }),
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        appName,
        openDocs: options.openDocs,
      }),
    ),
  );
}
