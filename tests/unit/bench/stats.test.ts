import { describe, expect, it } from 'vitest';
import type { KeychainCall } from '../../../bench/counting-keychain';
import {
  callsBetween,
  describeKeychainCalls,
  formatRatio,
  keychainBusyMs,
  median,
  requestsBetween,
  roundMs,
} from '../../../bench/stats';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([300, 100, 200])).toBe(200);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is NaN for no values rather than a made-up zero', () => {
    expect(median([])).toBeNaN();
  });
  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('windows', () => {
  const log = [
    { method: 'GET', path: '/.well-known/openid-configuration', at: 10 },
    { method: 'GET', path: '/me', at: 20 },
    { method: 'POST', path: '/token', at: 30 },
  ];
  it('counts requests that arrived from the start mark up to, not including, the end mark', () => {
    expect(requestsBetween(log, 10, 30)).toEqual(['GET /.well-known/openid-configuration', 'GET /me']);
    expect(requestsBetween(log, 11, 31)).toEqual(['GET /me', 'POST /token']);
  });
  it('counts keychain calls by when they were issued', () => {
    const calls: KeychainCall[] = [
      { kind: 'read', start: 1, end: 5 },
      { kind: 'write', start: 6, end: 20 },
    ];
    expect(callsBetween(calls, 0, 6)).toEqual([calls[0]]);
  });
});

describe('keychain call summaries', () => {
  it('names the calls by kind, in a fixed order, with plurals', () => {
    const calls: KeychainCall[] = [
      { kind: 'write', start: 0, end: 1 },
      { kind: 'read', start: 0, end: 1 },
      { kind: 'write', start: 0, end: 1 },
      { kind: 'list', start: 0, end: 1 },
    ];
    expect(describeKeychainCalls(calls)).toBe('1 read + 2 writes + 1 list');
    expect(describeKeychainCalls([])).toBe('none');
  });
  it('counts overlapping keychain time once', () => {
    const calls: KeychainCall[] = [
      { kind: 'write', start: 0, end: 10 },
      { kind: 'write', start: 5, end: 12 },
      { kind: 'write', start: 20, end: 21 },
      { kind: 'read', start: 6, end: 8 },
    ];
    expect(keychainBusyMs(calls)).toBe(13);
  });
});

describe('formatRatio', () => {
  it('divides latchkey by baseline with precision that fits the size', () => {
    expect(formatRatio(1, 3)).toBe('0.33×');
    expect(formatRatio(3, 2)).toBe('1.5×');
    expect(formatRatio(250, 10)).toBe('25×');
  });
  it('refuses to divide by a zero or missing baseline', () => {
    expect(formatRatio(5, 0)).toBe('–');
    expect(formatRatio(Number.NaN, 3)).toBe('–');
  });
  it('rounds milliseconds to a tenth', () => {
    expect(roundMs(12.345)).toBe(12.3);
  });
});
