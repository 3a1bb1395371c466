import { describe, expect, it } from 'vitest';
import { ASSUMED_LIFETIME_SECONDS, toTokenSet } from '../../../main/auth/client';

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

  it('has no refresh token when the provider sent none (what a refresh keeps is the session record)', () => {
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
