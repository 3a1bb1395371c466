import type { SignOutReport } from '../common/session-state';

/** What the signed-out screen says about a finished sign-out. */
export interface SignOutWords {
  /** warning: something the person may want to act on was not done at the provider. */
  tone: 'success' | 'warning';
  /** One sentence per fact, in order: this computer, the provider's grant, its browser session. */
  sentences: string[];
  /**
   * Offer to end the provider's browser session ("Sign out at the provider"): the refresh token
   * could not be revoked, and that page has not been opened yet (or failed to open).
   */
  offerProviderSignOut: boolean;
}

const STILL_VALID =
  'so it stays valid there until it expires, though nothing on this computer holds it any more.';

/**
 * The report in plain words: no codes, no HTTP. Main decides the facts (main/session/session-manager.ts);
 * this only words them.
 */
export function signOutWords(report: SignOutReport): SignOutWords {
  const sentences: string[] = [];
  switch (report.thisComputer) {
    case 'removed':
      sentences.push('Your session was removed from this computer.');
      break;
    case 'removeFailed':
      sentences.push(
        "Latchkey could not remove your saved session from this computer's keychain, so it may still be there. The log has the details.",
      );
      break;
    case 'noSession':
      break;
  }

  const revocation = report.revocation;
  let notRevoked = false;
  if (revocation.outcome === 'revoked') {
    sentences.push('Your sign-in was also cancelled at your provider.');
  } else if (revocation.outcome === 'notRevoked') {
    notRevoked = true;
    switch (revocation.why) {
      case 'noEndpoint':
        sentences.push(`Your provider does not let apps cancel a sign-in, ${STILL_VALID}`);
        break;
      case 'publicClientsNotAllowed':
        sentences.push(`Your provider lets only server applications cancel a sign-in, ${STILL_VALID}`);
        break;
      case 'noRefreshToken':
        sentences.push(
          'This session had no refresh token to cancel, and your provider cannot cancel the access token: it stays valid until it expires, though this computer no longer holds it.',
        );
        break;
      case 'unreachable':
        sentences.push(`Latchkey could not reach your provider to cancel the sign-in there, ${STILL_VALID}`);
        break;
      case 'refused':
        sentences.push(
          `Your provider did not accept Latchkey's request to cancel the sign-in, ${STILL_VALID}`,
        );
        break;
    }
  }

  switch (report.providerSession) {
    case 'pageOpened':
      sentences.push("Your browser was opened at your provider's sign-out page. Confirm there if it asks.");
      break;
    case 'notSupported':
      sentences.push(
        "Your provider offers no way for Latchkey to sign you out in your browser; use your provider's own website if you need to.",
      );
      break;
    case 'failed':
      sentences.push("Your provider's sign-out page could not be opened in your browser.");
      break;
    case 'unreachable':
      sentences.push(
        "Latchkey could not reach your provider, so it did not open your provider's sign-out page: your browser is still signed in there.",
      );
      break;
    case 'notRequested':
      break;
  }
  const offerProviderSignOut =
    report.providerSession === 'unreachable' ||
    (notRevoked && (report.providerSession === 'notRequested' || report.providerSession === 'failed'));
  if (offerProviderSignOut)
    sentences.push(
      report.providerSession === 'unreachable'
        ? 'Once you are back online, use "Sign out at your provider" to end that session too.'
        : 'To end your session at your provider in your browser too, use "Sign out at your provider".',
    );

  if (sentences.length === 0) sentences.push('There was no session to remove.');
  const tone =
    notRevoked || report.thisComputer === 'removeFailed' || report.providerSession === 'unreachable'
      ? 'warning'
      : 'success';
  return { tone, sentences, offerProviderSignOut };
}
