import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, originOf } from '../../../common/app-origin';

/**
 * What Chromium makes of each spelling, for `app` registered by Electron as a standard scheme with
 * url::SCHEME_WITH_HOST: `\` ends the authority like `/`, the host is canonicalised as for http, port
 * and user info are dropped. Electron reports only canonical URLs, so any other spelling is refused.
 */
describe('originOf agrees with Chromium for app:', () => {
  it.each([
    [`${APP_ORIGIN}/index.html`, APP_ORIGIN],
    [`${APP_ORIGIN}/`, APP_ORIGIN],
    [APP_ORIGIN, APP_ORIGIN],
    [`${APP_ORIGIN}/index.html?x=1#/profile`, APP_ORIGIN],
    [`${APP_ORIGIN}/@evil/path`, APP_ORIGIN],
    ['app://other/index.html', 'app://other'],
  ])('%s → %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });

  it.each([
    // Chromium: the authority ends at the backslash, the host is `evil` (WHATWG non-special: `latchkey`).
    ['app://evil\\@latchkey/'],
    ['app://evil\\@latchkey/index.html'],
    ['app://evil\\\\@latchkey/'],
    ['app:\\\\latchkey\\index.html'],
    ['app://latchkey\\index.html'],
    // Spellings Chromium rewrites to app://latchkey/: Electron never reports them.
    ['app://evil@latchkey/'],
    ['app://user:pass@latchkey/'],
    ['app://latchkey:443/index.html'],
    ['app://latchkey:80/'],
    ['app://LATCHKEY/index.html'],
    ['APP://latchkey/index.html'],
    ['app://latch%6bey/index.html'],
    ['app://latch\tkey/'],
    [' app://latchkey/'],
    ['app:latchkey/index.html'],
    ['app:///latchkey/index.html'],
    ['app://latchkey./index.html'],
    ['app://'],
    ['app://latchkey.evil/'],
  ])('%s has no origin that could be ours', (url) => {
    expect(originOf(url)).not.toBe(APP_ORIGIN);
  });

  it('gives the backslash spelling the host Chromium gives it, or none', () => {
    expect(['app://evil', null]).toContain(originOf('app://evil\\@latchkey/'));
    expect(new URL('app://evil\\@latchkey/').host).toBe('latchkey'); // what WHATWG says, for contrast
  });

  it('keeps http(s) origins and gives opaque schemes none', () => {
    expect(originOf('http://127.0.0.1:5173/index.html')).toBe('http://127.0.0.1:5173');
    expect(originOf('https://Example.COM:443/x')).toBe('https://example.com');
    expect(originOf('http://evil\\@127.0.0.1:5173/')).toBe('http://evil');
    // The other special schemes of the URL Standard have tuple origins too.
    expect(originOf('ws://example.com:8080/socket')).toBe('ws://example.com:8080');
    expect(originOf('wss://example.com/socket')).toBe('wss://example.com');
    expect(originOf('ftp://example.com/file')).toBe('ftp://example.com');
    for (const url of [
      'file:///index.html',
      'data:text/html,x',
      'about:blank',
      'foo://latchkey/',
      'not a url',
      '',
    ]) {
      expect(originOf(url), url).toBeNull();
    }
  });
});
