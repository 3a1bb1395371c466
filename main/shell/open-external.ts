import type { Logger } from '../log';
import { isBrowserUrl } from './external-links';
import { LatchkeyError } from '../errors';

/**
 * The one function that hands a URL to the system browser (what AuthClient.signIn's `openExternal`
 * receives). Only http(s) URLs leave the app (see isBrowserUrl).
 *
 * Test contract: with LATCHKEY_TEST_OPEN_EXTERNAL=stdout, nothing is opened; the URL is printed as one
 * line `LATCHKEY_OPEN_EXTERNAL <url>` on stdout, where the Playwright Electron project reads it and
 * drives its own browser to the provider's login page. The authorization URL carries no secret (the
 * PKCE challenge is public by design, RFC 7636 §4.2), so printing it leaks nothing.
 *
 * A packaged build ignores the variable: the same function opens the end-session URL, whose
 * `id_token_hint` is the person's ID token (name, email), and sign-in would silently open nothing.
 * Whoever can set a packaged app's environment could otherwise collect that from its stdout.
 */
export const TEST_OPEN_EXTERNAL_ENV = 'LATCHKEY_TEST_OPEN_EXTERNAL';
export const TEST_OPEN_EXTERNAL_PREFIX = 'LATCHKEY_OPEN_EXTERNAL';

export interface OpenExternalDeps {
  env: Readonly<Record<string, string | undefined>>;
  /** Electron's app.isPackaged: a packaged build never honours the test variable. */
  isPackaged: boolean;
  /** Electron's shell.openExternal in the app. */
  systemOpen: (url: string) => Promise<void>;
  /** process.stdout.write in the app. */
  writeStdout: (line: string) => void;
  log: Logger;
}

export function createOpenExternal(deps: OpenExternalDeps): (url: string) => Promise<void> {
  const toStdout = !deps.isPackaged && deps.env[TEST_OPEN_EXTERNAL_ENV] === 'stdout';
  return async (url) => {
    if (!isBrowserUrl(url)) {
      deps.log.warn('openExternal refused a non-web URL');
      throw new LatchkeyError('INVALID_INPUT', 'Only web pages can be opened in the browser.');
    }
    if (toStdout) {
      deps.writeStdout(`${TEST_OPEN_EXTERNAL_PREFIX} ${url}\n`);
      return;
    }
    await deps.systemOpen(url);
  };
}
