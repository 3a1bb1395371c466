import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../main/log';
import {
  createOpenExternal,
  decideNavigation,
  externalLinkAllowlist,
  isAllowedExternalUrl,
  isBrowserUrl,
  openAllowedLink,
  PROJECT_DOCS_PATH_PREFIX,
  PROJECT_DOCS_URL,
  TEST_OPEN_EXTERNAL_ENV,
} from '../../../../main/shell/external-links';

const auth0 = externalLinkAllowlist('https://tenant.eu.auth0.com/');
const local = externalLinkAllowlist('http://127.0.0.1:4400');

describe('isAllowedExternalUrl', () => {
  it("allows the provider's own pages and the project docs", () => {
    expect(isAllowedExternalUrl('https://tenant.eu.auth0.com/u/account', auth0)).toBe(true);
    expect(
      isAllowedExternalUrl(`https://github.com${PROJECT_DOCS_PATH_PREFIX}latchkey#keychain`, auth0),
    ).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:4400/account', local)).toBe(true);
  });

  it('refuses other origins, including look-alikes and other ports', () => {
    expect(isAllowedExternalUrl('https://evil.example/', auth0)).toBe(false);
    expect(isAllowedExternalUrl('https://tenant.eu.auth0.com.evil.example/', auth0)).toBe(false);
    expect(isAllowedExternalUrl('https://tenant.eu.auth0.com:8443/', auth0)).toBe(false);
    expect(isAllowedExternalUrl('https://github.com/someone-else/repo', auth0)).toBe(false);
    expect(isAllowedExternalUrl('http://127.0.0.1:9999/', local)).toBe(false);
  });

  it('refuses plain http off this machine, other schemes and URLs carrying credentials', () => {
    expect(isAllowedExternalUrl('http://tenant.eu.auth0.com/', auth0)).toBe(false);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:',
      'app://latchkey/',
    ]) {
      expect(isAllowedExternalUrl(url, auth0), url).toBe(false);
    }
    expect(isAllowedExternalUrl('https://user:pass@tenant.eu.auth0.com/', auth0)).toBe(false);
    expect(isAllowedExternalUrl('not a url', auth0)).toBe(false);
  });
});

describe('isBrowserUrl (what the sign-in flow may open)', () => {
  it('accepts http and https only, without credentials', () => {
    expect(isBrowserUrl('https://tenant.eu.auth0.com/authorize?client_id=x')).toBe(true);
    expect(isBrowserUrl('http://127.0.0.1:4400/auth')).toBe(true);
    for (const url of [
      'file:///C:/Windows/System32/calc.exe',
      'smb://x/y',
      'javascript:1',
      'https://a:b@x.test/',
      '',
    ]) {
      expect(isBrowserUrl(url), url).toBe(false);
    }
  });

  it('refuses plain http to another machine: the logout URL carries id_token_hint, the sign-in URL finishes a sign-in', () => {
    for (const url of [
      'http://login.example.com/oidc/logout?id_token_hint=eyJhbGciOi.x.y',
      'http://192.168.1.20:4400/auth?client_id=latchkey-desktop&state=s',
      'http://[::ffff:127.0.0.1]:4400/auth',
      'http://127.0.0.1.nip.io:4400/auth',
      'http://localhost.example.com/auth',
    ]) {
      expect(isBrowserUrl(url), url).toBe(false);
    }
    expect(isBrowserUrl('http://localhost:4400/session/end?id_token_hint=x')).toBe(true);
    expect(isBrowserUrl('http://[::1]:4400/auth')).toBe(true);
  });
});

describe('decideNavigation', () => {
  it('never lets the window navigate; opens allowed links externally, drops the rest', () => {
    expect(decideNavigation('https://tenant.eu.auth0.com/', auth0)).toEqual({
      allowInWindow: false,
      openExternally: true,
    });
    expect(decideNavigation('https://evil.example/', auth0)).toEqual({
      allowInWindow: false,
      openExternally: false,
    });
    expect(decideNavigation('app://latchkey/other.html', auth0)).toEqual({
      allowInWindow: false,
      openExternally: false,
    });
  });
});

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

describe("openAllowedLink (the Help menu's documentation)", () => {
  it('the docs URL is on the allowlist whatever the provider, and opens', async () => {
    for (const allowlist of [auth0, local]) {
      const open = vi.fn(async () => undefined);
      openAllowedLink(PROJECT_DOCS_URL, allowlist, open, silentLogger);
      expect(open).toHaveBeenCalledWith(PROJECT_DOCS_URL);
    }
  });

  it('a URL outside the allowlist is not opened', () => {
    const open = vi.fn(async () => undefined);
    openAllowedLink('https://github.com/someone-else/', auth0, open, silentLogger);
    openAllowedLink(PROJECT_DOCS_URL, [], open, silentLogger);
    expect(open).not.toHaveBeenCalled();
  });

  it('the README names the same documentation the Help menu opens', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(PROJECT_DOCS_URL.replace(/#.*$/, ''));
  });
});
