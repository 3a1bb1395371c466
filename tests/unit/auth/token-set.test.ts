import { describe, expect, it } from 'vitest';
import { ASSUMED_LIFETIME_SECONDS, toTokenSet } from '../../../main/auth/token-set';

const NOW = 1_700_000_000_000;

describe('toTokenSet', () => {
  it('computes expiresAt from expires_in and keeps every token the provider sent', () => {
    expect(
      toTokenSet(
        {
          access_token: 'at',
          token_type: 'bearer',
          expires_in: 60,
          refresh_token: 'rt2',
          id_token: 'idt',
          scope: 'openid',
        },
        NOW,
        'rt1',
      ),
    ).toEqual({
      accessToken: 'at',
      refreshToken: 'rt2',
      idToken: 'idt',
      expiresAt: NOW + 60_000,
      scope: 'openid',
      tokenType: 'bearer',
    });
  });

  it('keeps the previous refresh token when the provider returned none (no rotation)', () => {
    expect(
      toTokenSet({ access_token: 'at', token_type: 'bearer', expires_in: 60 }, NOW, 'rt1').refreshToken,
    ).toBe('rt1');
  });

  it('has no refresh token when there was none before and none now', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer', expires_in: 60 }, NOW)).not.toHaveProperty(
      'refreshToken',
    );
  });

  it('assumes a short lifetime when expires_in is missing', () => {
    expect(toTokenSet({ access_token: 'at', token_type: 'bearer' }, NOW).expiresAt).toBe(
      NOW + ASSUMED_LIFETIME_SECONDS * 1000,
    );
  });
});
