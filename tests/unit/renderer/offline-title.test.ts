import { describe, expect, it } from 'vitest';
import { offlineTitle } from '../../../renderer/offline-title';

describe('offline notice title', () => {
  it('blames the network only for NETWORK errors', () => {
    expect(offlineTitle({ code: 'NETWORK', message: 'x' })).toMatch(/cannot be reached/);
    expect(offlineTitle({ code: 'RATE_LIMITED', message: 'x' })).toMatch(/slow down/);
    for (const code of ['PROVIDER_ERROR', 'FORBIDDEN', 'CONFIG_INVALID', 'INTERNAL'] as const)
      expect(offlineTitle({ code, message: 'x' })).toBe('The sign-in provider did not confirm your session');
  });
});
