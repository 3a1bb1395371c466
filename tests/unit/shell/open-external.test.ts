import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log';
import { createOpenExternal, TEST_OPEN_EXTERNAL_ENV } from '../../../main/shell/open-external';

function setup(env: Record<string, string | undefined>, isPackaged = false) {
  const opened: string[] = [];
  const written: string[] = [];
  const open = createOpenExternal({
    env,
    isPackaged,
    systemOpen: async (url) => void opened.push(url),
    writeStdout: (line) => void written.push(line),
    log: silentLogger,
  });
  return { open, opened, written };
}

describe('createOpenExternal', () => {
  it('hands http(s) URLs to the system browser', async () => {
    const { open, opened, written } = setup({});
    await open('https://tenant.eu.auth0.com/authorize?client_id=abc');
    expect(opened).toEqual(['https://tenant.eu.auth0.com/authorize?client_id=abc']);
    expect(written).toEqual([]);
  });

  it(`prints "LATCHKEY_OPEN_EXTERNAL <url>" instead when ${TEST_OPEN_EXTERNAL_ENV}=stdout`, async () => {
    const { open, opened, written } = setup({ [TEST_OPEN_EXTERNAL_ENV]: 'stdout' });
    await open('http://127.0.0.1:4400/auth?state=s');
    expect(opened).toEqual([]);
    expect(written).toEqual(['LATCHKEY_OPEN_EXTERNAL http://127.0.0.1:4400/auth?state=s\n']);
  });

  it(`a packaged build ignores ${TEST_OPEN_EXTERNAL_ENV}=stdout and opens the browser (no URL on stdout)`, async () => {
    const { open, opened, written } = setup({ [TEST_OPEN_EXTERNAL_ENV]: 'stdout' }, true);
    const logout = 'https://tenant.eu.auth0.com/oidc/logout?id_token_hint=eyJhbGciOi.x.y';
    await open(logout);
    expect(opened).toEqual([logout]);
    expect(written).toEqual([]);
  });

  it('ignores other values of the variable', async () => {
    const { open, opened } = setup({ [TEST_OPEN_EXTERNAL_ENV]: '1' });
    await open('https://example.com/');
    expect(opened).toEqual(['https://example.com/']);
  });

  it('refuses non-web URLs with INVALID_INPUT and opens nothing', async () => {
    const { open, opened, written } = setup({ [TEST_OPEN_EXTERNAL_ENV]: 'stdout' });
    for (const url of ['file:///etc/passwd', 'smb://host/x', 'javascript:alert(1)']) {
      await expect(open(url)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(opened).toEqual([]);
    expect(written).toEqual([]);
  });
});
