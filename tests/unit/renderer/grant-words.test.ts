import { describe, expect, it } from 'vitest';
import { grantWords } from '../../../renderer/grant-words';

describe('grantWords', () => {
  it('no refresh token: the person will have to sign in again, said first', () => {
    const words = grantWords({ missingScopes: ['profile', 'email', 'offline_access'], renewable: false });
    expect(words).toEqual([
      'Your provider did not let Latchkey keep you signed in, so you will need to sign in again when this session expires, and the next time you start Latchkey after that.',
      'Your provider did not share your name and picture with Latchkey.',
      'Your provider did not share your email address with Latchkey.',
    ]);
  });

  it('a refresh token without offline_access: the session may end with the provider browser session', () => {
    expect(grantWords({ missingScopes: ['offline_access'], renewable: true })).toEqual([
      "Your provider did not confirm that Latchkey may keep you signed in: your session may end when you sign out of your provider in your browser, or when your provider's own session times out.",
    ]);
  });

  it('names scopes it has no words for', () => {
    expect(
      grantWords({ missingScopes: ['update:current_user_metadata', 'groups'], renewable: true }),
    ).toEqual([
      'Latchkey was not allowed to save changes to your account details.',
      'Your provider did not grant: groups.',
    ]);
  });
});
