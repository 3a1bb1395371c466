import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseUserDataFolder, DEVELOPMENT_FOLDER_NAME } from '../../../../main/config/user-data-folder';

const appDataDir = join('/home', 'ada', '.config');

describe('chooseUserDataFolder', () => {
  it('a development run gets "Latchkey (development)" beside the installed app\'s folder', () => {
    expect(chooseUserDataFolder({ argv: ['electron', '.'], isPackaged: false, appDataDir })).toBe(
      join(appDataDir, 'Latchkey (development)'),
    );
    expect(DEVELOPMENT_FOLDER_NAME).not.toBe('Latchkey');
  });

  it("an installed (packaged) build keeps Electron's default folder", () => {
    expect(chooseUserDataFolder({ argv: ['latchkey'], isPackaged: true, appDataDir })).toBeUndefined();
  });

  it('--user-data-dir wins, packaged or not', () => {
    for (const isPackaged of [true, false])
      expect(
        chooseUserDataFolder({ argv: ['latchkey', '--user-data-dir=/tmp/profile'], isPackaged, appDataDir }),
      ).toBe('/tmp/profile');
  });
});
