import { join } from 'node:path';
import { userDataDirFlag } from './sources';

/**
 * Which user-data folder a run uses. The folder holds the settings file (latchkey.config.json), the
 * avatar cache, the window position and, in Electron, the single-instance lock: Chromium's process
 * singleton lives in the user-data folder that is current when app.requestSingleInstanceLock() runs
 * (electron/electron shell/browser/api/electron_api_app.cc, App::RequestSingleInstanceLock), so the
 * choice is made before the lock is taken. Plain Node: main/electron/app.ts applies it.
 */

/** An installed Latchkey's folder name under the OS's application-data folder (productName). */
export const PRODUCT_NAME = 'Latchkey';
/** A development run's folder name, beside the installed app's. */
export const DEVELOPMENT_FOLDER_NAME = `${PRODUCT_NAME} (development)`;

interface UserDataFolderInput {
  argv: readonly string[];
  /** Electron's app.isPackaged: false for `npm start` (electron .). */
  isPackaged: boolean;
  /** Electron's app.getPath('appData'): ~/.config, ~/Library/Application Support, %APPDATA%. */
  appDataDir: string;
}

/**
 * The folder to use instead of Electron's default, or undefined to keep the default
 * (`appData/Latchkey` for an installed build):
 * - `--user-data-dir=PATH` wins (the end-to-end tests, a second profile);
 * - a development run gets `appData/Latchkey (development)`, so that `npm start` shares neither the
 *   single-instance lock (a running installed Latchkey would otherwise swallow the development
 *   launch), nor the settings file, nor the saved window, nor the logs with an installed Latchkey.
 */
export function chooseUserDataFolder(input: UserDataFolderInput): string | undefined {
  const flag = userDataDirFlag(input.argv);
  if (flag) return flag;
  if (input.isPackaged) return undefined;
  return join(input.appDataDir, DEVELOPMENT_FOLDER_NAME);
}
