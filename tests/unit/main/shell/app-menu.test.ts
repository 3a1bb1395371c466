import { describe, expect, it, vi } from 'vitest';
import {
  aboutPanelOptions,
  applicationMenuTemplate,
  type MenuItemSpec,
} from '../../../../main/shell/app-menu';

/** Every role anywhere in the template, depth first. */
function roles(items: readonly MenuItemSpec[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])]);
}

function menu(platform: NodeJS.Platform, isPackaged: boolean, openDocs = vi.fn()) {
  return applicationMenuTemplate({ platform, isPackaged, appName: 'Latchkey', openDocs });
}

describe('applicationMenuTemplate', () => {
  it('macOS: the app menu with About, Services, Hide, Hide Others, Show All and Quit, then Edit, View, Window, Help', () => {
    const template = menu('darwin', true);
    expect(template[0]).toMatchObject({ label: 'Latchkey' });
    expect(roles(template[0]!.submenu!)).toEqual([
      'about',
      'services',
      'hide',
      'hideOthers',
      'unhide',
      'quit',
    ]);
    expect(template.slice(1).map((item) => item.role ?? item.label)).toEqual([
      'editMenu',
      'View',
      'windowMenu',
      'help',
    ]);
  });

  it('Windows and Linux: File with Quit, Edit, View, Window, and Help with the docs and About', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const template = menu(platform, true);
      expect(template.map((item) => item.role ?? item.label)).toEqual([
        '&File',
        'editMenu',
        '&View',
        'windowMenu',
        '&Help',
      ]);
      expect(roles(template[0]!.submenu!)).toEqual(['quit']);
      const help = template.at(-1)!.submenu!;
      expect(help.map((item) => item.label ?? item.type)).toEqual([
        'Latchkey Documentation',
        'separator',
        'About Latchkey',
      ]);
      expect(help.at(-1)!.role).toBe('about');
      // macOS-only roles stay out of the Windows and Linux menus.
      expect(roles(template)).not.toContain('services');
      expect(roles(template)).not.toContain('hide');
    }
  });

  it('has an Edit menu on every platform, so copy and paste work in text fields (macOS needs it)', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      for (const isPackaged of [true, false]) expect(roles(menu(platform, isPackaged))).toContain('editMenu');
  });

  it('a packaged build has no Reload and no developer tools; a development run has them', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const packaged = roles(menu(platform, true));
      for (const role of ['reload', 'forceReload', 'toggleDevTools']) expect(packaged).not.toContain(role);
      expect(packaged).toEqual(
        expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
      );
      expect(roles(menu(platform, false))).toEqual(
        expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
      );
    }
  });

  it('Help → Latchkey Documentation calls openDocs, on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const openDocs = vi.fn();
      const docs = menu(platform, true, openDocs)
        .at(-1)!
        .submenu!.find((item) => item.label === 'Latchkey Documentation')!;
      docs.click!();
      expect(openDocs).toHaveBeenCalledTimes(1);
    }
  });
});

describe('aboutPanelOptions', () => {
  const base = {
    appName: 'Latchkey',
    version: '1.2.3',
    website: 'https://example.org/docs',
    iconPath: '/icon.png',
  };

  it('always names the app, its version and the copyright (Linux shows nothing that is not set)', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      expect(aboutPanelOptions({ ...base, platform })).toMatchObject({
        applicationName: 'Latchkey',
        applicationVersion: '1.2.3',
        copyright: 'Copyright © Latchkey developers',
      });
  });

  it('gives the website on Linux only and the icon on Linux and Windows only, as Electron documents them', () => {
    expect(aboutPanelOptions({ ...base, platform: 'linux' })).toMatchObject({
      website: base.website,
      iconPath: '/icon.png',
    });
    expect(aboutPanelOptions({ ...base, platform: 'win32' })).not.toHaveProperty('website');
    expect(aboutPanelOptions({ ...base, platform: 'win32' })).toMatchObject({ iconPath: '/icon.png' });
    expect(aboutPanelOptions({ ...base, platform: 'darwin' })).not.toHaveProperty('iconPath');
  });
});
