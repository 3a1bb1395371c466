import { describe, expect, it } from 'vitest';
import { isOwnHost } from '../../../idp/host-check';

const ISSUER = 'http://127.0.0.1:4400';

describe('isOwnHost: the Host values the local provider answers', () => {
  it.each([
    ['127.0.0.1:4400'],
    ['localhost:4400'],
    ['LOCALHOST:4400'],
    ['[::1]:4400'],
    ['127.0.0.1:51000'],
    ['localhost:51000'],
  ])('answers %s (the issuer, or this server under a loopback name)', (host) => {
    expect(isOwnHost(host, ISSUER, 51000)).toBe(true);
  });

  it.each([
    ['a rebinding name on the right port', 'attacker.example:4400'],
    ['a rebinding name on the listening port', 'rebind.attacker.example:51000'],
    ['a look-alike', '127.0.0.1.attacker.example:4400'],
    ['a loopback name on another port', '127.0.0.1:4401'],
    ['no port (80)', 'localhost'],
    ['a LAN address', '192.168.1.20:4400'],
    ['userinfo', 'x@127.0.0.1:4400'],
    ['a path', '127.0.0.1:4400/x'],
    ['empty', ''],
    ['absent', undefined],
  ])('refuses %s (%s)', (_what, host) => {
    expect(isOwnHost(host, ISSUER, 51000)).toBe(false);
  });

  it('answers the issuer a proxy in front of it announces, as the proxy passes the Host on', () => {
    expect(isOwnHost('127.0.0.1:39999', 'http://127.0.0.1:39999', 51000)).toBe(true);
    expect(isOwnHost('idp.example.test', 'https://idp.example.test', 51000)).toBe(true);
    expect(isOwnHost('attacker.example', 'https://idp.example.test', 51000)).toBe(false);
  });
});
