import { isSecureTransport } from '../auth/issuer';

/**
 * Which links from the page may open in the system browser. Electron security checklist: "Do not use
 * shell.openExternal with untrusted content" and "Disable or limit creation of new windows". The
 * renderer shows text from the provider (names, metadata); a link it asks to open goes to the browser
 * only when its origin is on a short list: the provider itself (account pages) and the project docs.
 * Everything else is dropped.
 */

/** The project's documentation: the only non-provider place the UI links to. */
export const PROJECT_DOCS_ORIGINS = ['https://github.com'] as const;
export const PROJECT_DOCS_PATH_PREFIX = '/latchkey-app/';

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
 * What the sign-in flow may open: the provider's authorization and logout pages. Those URLs come from
 * main itself (the discovery document), never from the page, so the check is only that they are web
 * URLs: `shell.openExternal` with `file:`, `smb:` or a custom scheme could start local programs.
 */
export function isBrowserUrl(url: string): boolean {
  try {
    const { protocol, username, password } = new URL(url);
    return (protocol === 'https:' || protocol === 'http:') && !username && !password;
  } catch {
    return false;
  }
}
