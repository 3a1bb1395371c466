import { describe, expect, it } from 'vitest';
import { formatPast, formatRelative } from '../../../renderer/format';

describe('time words', () => {
  it('a past event never reads "in …", even a moment ahead of this clock', () => {
    const now = 1_000_000;
    expect(formatPast(now + 3_000, now)).toBe('just now');
    expect(formatPast(now, now)).toBe('just now');
    expect(formatPast(now - 500, now)).toBe('just now');
    expect(formatPast(now - 12_000, now)).toBe('12 s ago');
    expect(formatPast(now - 3 * 60_000, now)).toBe('3 min ago');
  });

  it('a future event reads "in …"', () => {
    expect(formatRelative(30 * 60_000, 0)).toBe('in 30 min');
  });
});
