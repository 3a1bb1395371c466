/**
 * The application menu and the About panel, per platform, as plain data: main/electron/menu.ts hands
 * them to Electron unchanged (Menu.buildFromTemplate, app.setAboutPanelOptions), so unit tests pin
 * every item without Electron. Roles are Electron's (https://www.electronjs.org/docs/latest/api/menu-item#roles;
 * what each does per platform: electron/electron lib/browser/api/menu-item-roles.ts):
 * - macOS: the app menu (About, Services, Hide, Hide Others, Show All, Quit), as every Mac app has;
 * - every OS: an Edit menu. On macOS, Cmd+C/V/X/A reach a text field only through the menu's Edit
 *   items (the copy/cut/paste roles register no accelerator of their own), so without it copy and
 *   paste silently do nothing there (electron/electron#3787);
 * - View: zoom and full screen; Reload and the developer tools only when not packaged (a packaged
 *   build has no developer tools at all: see secureWebPreferences);
 * - Window; Help with the project's documentation, opened through the same link allowlist as every
 *   other link (main/shell/external-links.ts), and About on Windows and Linux (the `about` role
 *   opens app.showAboutPanel() there).
 */

/** The Electron menu roles this menu uses (a subset of MenuItemConstructorOptions['role']). */
type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'editMenu'
  | 'windowMenu'
  | 'help'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

/** A menu item as Electron's MenuItemConstructorOptions takes it (the fields used here). */
export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  submenu?: MenuItemSpec[];
  click?: () => void;
}

interface MenuOptions {
  platform: NodeJS.Platform;
  /** Electron's app.isPackaged: no Reload and no developer tools in a packaged build. */
  isPackaged: boolean;
  appName: string;
  /** Opens the project's documentation (through the link allowlist). */
  openDocs: () => void;
}

const separator: MenuItemSpec = { type: 'separator' };

export function applicationMenuTemplate(options: MenuOptions): MenuItemSpec[] {
  const mac = options.platform === 'darwin';
  const development: MenuItemSpec[] = options.isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  const docs: MenuItemSpec = { label: `${options.appName} Documentation`, click: options.openDocs };
  return [
    ...(mac
      ? [
          {
            label: options.appName,
            submenu: [
              { role: 'about' },
              separator,
              { role: 'services' },
              separator,
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              separator,
              { role: 'quit' },
            ] satisfies MenuItemSpec[],
          },
        ]
      : [{ label: '&File', submenu: [{ role: 'quit' }] satisfies MenuItemSpec[] }]),
    { role: 'editMenu' },
    {
      label: mac ? 'View' : '&View',
      submenu: [
        ...development,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    mac
      ? { role: 'help', submenu: [docs] }
      : { label: '&Help', submenu: [docs, separator, { role: 'about', label: `About ${options.appName}` }] },
  ];
}

interface AboutPanelInput {
  appName: string;
  version: string;
  platform: NodeJS.Platform;
  /** The project's page, shown on Linux (the `website` field exists only there). */
  website: string;
  /** A PNG of the icon: Linux and Windows only (macOS takes the bundle's icon). */
  iconPath?: string | undefined;
}

/** Electron's AboutPanelOptionsOptions (https://www.electronjs.org/docs/latest/api/app#appsetaboutpaneloptionsoptions). */
interface AboutPanelOptions {
  applicationName: string;
  applicationVersion: string;
  copyright: string;
  website?: string;
  iconPath?: string;
}

export const COPYRIGHT = 'Copyright © Latchkey developers';

/**
 * The About panel's text. "On Linux, values must be set in order to be shown; there are no defaults"
 * (app.setAboutPanelOptions), so every field is given on every OS.
 */
export function aboutPanelOptions(input: AboutPanelInput): AboutPanelOptions {
  return {
    applicationName: input.appName,
    applicationVersion: input.version,
    copyright: COPYRIGHT,
    ...(input.platform === 'linux' ? { website: input.website } : {}),
    ...(input.platform !== 'darwin' && input.iconPath ? { iconPath: input.iconPath } : {}),
  };
}
