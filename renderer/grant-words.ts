import type { GrantShortfall } from '../common/session-state';

/** What the provider granted less than asked means for the person, in plain words (no scope names unless unknown). */
const SCOPE_MEANING: Record<string, string> = {
  profile: 'Your provider did not share your name and picture with Latchkey.',
  email: 'Your provider did not share your email address with Latchkey.',
  'read:current_user': 'Latchkey was not allowed to read your account details.',
  'update:current_user_metadata': 'Latchkey was not allowed to save changes to your account details.',
};

/**
 * Sentences for a session whose provider granted less than Latchkey asked for
 * (common/session-state.ts, GrantShortfall), the most consequential first.
 */
export function grantWords(grant: GrantShortfall): string[] {
  const sentences: string[] = [];
  const missing = new Set(grant.missingScopes);
  if (!grant.renewable) {
    sentences.push(
      'Your provider did not let Latchkey keep you signed in, so you will need to sign in again when this session expires, and the next time you start Latchkey after that.',
    );
  } else if (missing.has('offline_access')) {
    sentences.push(
      "Your provider did not confirm that Latchkey may keep you signed in: your session may end when you sign out of your provider in your browser, or when your provider's own session times out.",
    );
  }
  const others: string[] = [];
  for (const scope of grant.missingScopes) {
    if (scope === 'offline_access') continue;
    const meaning = SCOPE_MEANING[scope];
    if (meaning) sentences.push(meaning);
    else others.push(scope);
  }
  if (others.length > 0) sentences.push(`Your provider did not grant: ${others.join(', ')}.`);
  return sentences;
}
