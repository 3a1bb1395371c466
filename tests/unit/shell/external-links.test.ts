import { describe, expect, it } from 'vitest';
import {
  externalLinkAllowlist,
  isAllowedExternalUrl,
  isBrowserUrl,
  PROJECT_DOCS_PATH_PREFIX,
} from '../../../main/shell/external-links';
import { decideNavigation, decidePermission } from '../../../main/shell/navigation-policy';

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
});

describe('decideNavigation and decidePermission', () => {
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

  it('refuses every permission', () => {
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'unknown',
    ]) {
      expect(decidePermission(permission)).toBe(false);
      expect(decidePermission(permission, 'app://latchkey/index.html')).toBe(false);
    }
  });

  it('lets only our own page write the clipboard (the "Copy the link" button)', () => {
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey/index.html')).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey')).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', 'app://latchkey.evil/')).toBe(false);
    expect(decidePermission('clipboard-sanitized-write')).toBe(false);
    expect(decidePermission('clipboard-read', 'app://latchkey/index.html')).toBe(false);
  });
});
