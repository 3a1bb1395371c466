import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../../common/errors';

describe('isErrorCode (what a coded answer may carry)', () => {
  it('knows the stable codes, spelt exactly, and nothing else', () => {
    expect(isErrorCode('NETWORK')).toBe(true);
    expect(isErrorCode('SESSION_EXPIRED')).toBe(true);
    expect(isErrorCode('network')).toBe(false);
    expect(isErrorCode('')).toBe(false);
    // Names every array or object has are not codes.
    expect(isErrorCode('length')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
    expect(isErrorCode(['NETWORK'])).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});
