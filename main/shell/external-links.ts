import { LatchkeyError } from '../errors';
import { isSecureTransport } from '../transport';
import type { Logger } from '../log';

/**
 * Which URLs may leave the app, and how (Electron security checklist,
 * https://www.electronjs.org/docs/latest/tutorial/security):
 * - a link the page asks to open goes to the system browser only when its origin is on a short list:
 *   the provider itself (account pages) and the project docs. The renderer shows text from the
 *   provider (names, metadata), so everything else is dropped ("Do not use shell.openExternal with
 *   untrusted content");
 * - the window itself never navigates and never opens another window ("Disable or limit navigation",
 *   "Disable or limit creation of new windows"): a navigation is a link, judged as above;
 * - the sign-in flow opens the provider's pages, URLs main built itself, through createOpenExternal.
 * Plain Node: main/electron/window.ts and main/electron/app.ts attach these to Electron.
 */

/** The project's documentation: the only non-provider place the UI links to. */
const PROJECT_DOCS_ORIGINS = ['https://github.com'] as const;
export const PROJECT_DOCS_PATH_PREFIX = '/latchkey-app/';
/** What Help → Documentation opens (and the README names): under the docs origin and prefix above. */
export const PROJECT_DOCS_URL = 'https://github.com/latchkey-app/latchkey#readme';

export interface ExternalLinkRule {
  /** `https://host[:port]`, or `http://127.0.0.1:port` for the local provider. */
  origin: string;
  /** When set, the path must start with it. */
  pathPrefix?: string;
}

/** The allowlist for a given provider issuer. */
export function externalLinkAllowlist(issuer: string): ExternalLinkRule[] {
  const rules: ExternalLinkRule[] = PROJECT_DOCS_ORIGINS.map((origin) => ({
    origin,
    pathPrefix: PROJECT_DOCS_PATH_PREFIX,
  }));
  try {
    rules.push({ origin: new URL(issuer).origin });
  } catch {
    // An invalid issuer never got this far (main/config/settings.ts validates it); nothing to allow.
  }
  return rules;
}

/**
 * True when `url` may be handed to the system browser: https (or http to a loopback origin that is
 * itself on the list), no user:password part, origin equal to a listed origin, path under its prefix.
 */
export function isAllowedExternalUrl(url: string, allowlist: readonly ExternalLinkRule[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (!isSecureTransport(parsed)) return false;
  return allowlist.some(
    (rule) =>
      parsed.origin === rule.origin &&
      (rule.pathPrefix === undefined || parsed.pathname.startsWith(rule.pathPrefix)),
  );
}

/**
 * What happens when the page tries to leave: the app is one page, so a navigation is either a link the
 * person clicked, which goes to the system browser when its origin is allowed, or an attack, which
 * goes nowhere.
 */
interface NavigationDecision {
  /** Always false: the window stays on the app's page. */
  allowInWindow: false;
  /** True when the URL should be opened in the system browser instead. */
  openExternally: boolean;
}

export function decideNavigation(url: string, allowlist: readonly ExternalLinkRule[]): NavigationDecision {
  return { allowInWindow: false, openExternally: isAllowedExternalUrl(url, allowlist) };
}

/**
 * Opens a link the app itself offers (the Help menu's documentation) in the system browser, judged by
 * the same allowlist as a link in the page: a URL that is not on it is refused and logged.
 */
export function openAllowedLink(
  url: string,
  allowlist: readonly ExternalLinkRule[],
  openExternal: (url: string) => Promise<void>,
  log: Logger,
): void {
  if (!isAllowedExternalUrl(url, allowlist)) {
    log.warn('a link outside the allowlist was not opened');
    return;
  }
  openExternal(url).catch((error: unknown) => log.warn('opening a link failed', error));
}

/**
 * What the sign-in flow may open: the provider's authorization and logout pages. Those URLs come from
 * main itself (the discovery document), never from the page. They must be web URLs
 * (`shell.openExternal` with `file:`, `smb:` or a custom scheme could start local programs), and pass
 * the one transport rule, https or http to this computer (main/transport.ts): the authorization URL
 * can finish a sign-in until it is used, and the logout URL carries the ID token as `id_token_hint`,
 * so neither may cross the network in clear text.
 */
export function isBrowserUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return isSecureTransport(parsed) && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/**
 * The one function that hands a URL to the system browser (what AuthClient.signIn's `openExternal`
 * receives). Only http(s) URLs leave the app (see isBrowserUrl).
 *
 * Test contract: with LATCHKEY_TEST_OPEN_EXTERNAL=stdout, nothing is opened; the URL is printed as one
 * line `LATCHKEY_OPEN_EXTERNAL <url>` on stdout, where the Playwright Electron project reads it and
 * drives its own browser to the provider's login page.
 *
 * A packaged build ignores the variable: the authorization URL can finish the pending sign-in with
 * any account until it is used (its `state` is what the loopback receiver accepts), and the same
 * function opens the end-session URL, whose `id_token_hint` is the person's ID token (name, email).
 * Whoever can set a packaged app's environment could otherwise collect both from its stdout, and
 * sign-in would silently open nothing.
 */
export const TEST_OPEN_EXTERNAL_ENV = 'LATCHKEY_TEST_OPEN_EXTERNAL';
export const TEST_OPEN_EXTERNAL_PREFIX = 'LATCHKEY_OPEN_EXTERNAL';

interface OpenExternalDeps {
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
