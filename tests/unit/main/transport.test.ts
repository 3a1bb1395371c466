import { describe, expect, it } from 'vitest';
import {
  isLocalNetworkAddress,
  isLocalNetworkHost,
  isLoopbackHost,
  isSecureTransport,
  issuerTransport,
} from '../../../main/transport';
import { isLatchkeyError } from '../../../main/errors';

function codeOf(issuer: string): string | undefined {
  try {
    issuerTransport(issuer);
    return undefined;
  } catch (error) {
    return isLatchkeyError(error) ? error.code : 'not a LatchkeyError';
  }
}

describe('issuerTransport: allowInsecureRequests only for http on loopback', () => {
  it.each([
    ['http://127.0.0.1:4400', true],
    ['http://127.1.2.3:4400', true],
    ['http://localhost:4400', true],
    ['http://LOCALHOST:4400/', true],
    ['http://[::1]:4400', true],
    ['https://tenant.eu.auth0.com/', false],
    ['https://127.0.0.1:4400', false],
    ['https://login.example.com/realms/latchkey', false],
  ])('%s → allowInsecureRequests %s', (issuer, allowed) => {
    expect(issuerTransport(issuer).allowInsecureRequests).toBe(allowed);
  });

  it.each([
    'http://tenant.auth0.com/',
    'http://192.168.1.10:4400',
    'http://10.0.0.1',
    'http://[::ffff:127.0.0.1]:4400',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
    'ftp://127.0.0.1',
    'not a url',
    'https://user:secret@tenant.auth0.com/',
    'https://tenant.auth0.com/?x=1',
    'https://tenant.auth0.com/#fragment',
  ])('%s is CONFIG_INVALID', (issuer) => {
    expect(codeOf(issuer)).toBe('CONFIG_INVALID');
  });

  it('never echoes credentials from the issuer in its message', () => {
    try {
      issuerTransport('https://user:hunter2@tenant.auth0.com/?q=1');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      return;
    }
    throw new Error('expected CONFIG_INVALID');
  });
});

describe('isLoopbackHost', () => {
  it('covers 127.0.0.0/8, ::1 and localhost, and nothing else', () => {
    expect(['127.0.0.1', '127.255.255.254', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(
      ['128.0.0.1', '0.0.0.0', '[::]', 'localhost.evil.com', '127.0.0.1.evil.com', 'example.com'].some(
        isLoopbackHost,
      ),
    ).toBe(false);
  });
});

describe('isSecureTransport', () => {
  it('accepts https anywhere and plain http only to this computer', () => {
    expect(isSecureTransport(new URL('https://tenant.eu.auth0.com/'))).toBe(true);
    expect(isSecureTransport(new URL('http://127.0.0.1:4400/avatars/ada.svg'))).toBe(true);
    expect(isSecureTransport(new URL('http://[::1]:4400/'))).toBe(true);
    expect(isSecureTransport(new URL('http://localhost/'))).toBe(true);
    expect(isSecureTransport(new URL('http://192.168.1.10/'))).toBe(false);
    expect(isSecureTransport(new URL('http://127.0.0.1.evil.example/'))).toBe(false);
    expect(isSecureTransport(new URL('file:///etc/passwd'))).toBe(false);
    expect(isSecureTransport(new URL('javascript:alert(1)'))).toBe(false);
  });
});

describe('isLocalNetworkHost: this computer and local networks, whatever the spelling', () => {
  const hostOf = (url: string) => new URL(url).hostname;

  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://017700000001/',
    'http://127.255.255.254/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://printer.localhost/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/',
    'http://100.64.0.1/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[fec0::1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::7f00:1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
  ])('%s is local', (url) => {
    expect(isLocalNetworkHost(hostOf(url))).toBe(true);
  });

  it.each([
    'https://images.example/',
    'https://8.8.8.8/',
    'https://172.32.0.1/',
    'https://[2606:4700::1111]/',
    'https://localhost.example.com/',
    'https://127.0.0.1.nip.io/',
  ])('%s is not (a name is judged by what it resolves to)', (url) => {
    expect(isLocalNetworkHost(hostOf(url))).toBe(false);
  });

  it('is false for anything that is not an IP address', () => {
    expect(isLocalNetworkAddress('images.example')).toBe(false);
    expect(isLocalNetworkAddress('')).toBe(false);
  });
});
