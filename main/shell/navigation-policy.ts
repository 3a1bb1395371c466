import { APP_ORIGIN, originOf } from '../../common/app-origin';
import { isAllowedExternalUrl, type ExternalLinkRule } from './external-links';

/**
 * What happens when the page tries to leave: the window never navigates (Electron security
 * checklist: "Disable or limit navigation") and never opens another window ("Disable or limit
 * creation of new windows"). The app is one page; a navigation is either a link the person clicked,
 * which goes to the system browser when its origin is allowed, or an attack, which goes nowhere.
 */
export interface NavigationDecision {
  /** Always false: the window stays on the app's page. */
  allowInWindow: false;
  /** True when the URL should be opened in the system browser instead. */
  openExternally: boolean;
}

export function decideNavigation(url: string, allowlist: readonly ExternalLinkRule[]): NavigationDecision {
  return { allowInWindow: false, openExternally: isAllowedExternalUrl(url, allowlist) };
}

/**
 * Every permission (camera, notifications, clipboard reads, geolocation, ...) is refused, with one
 * exception: our own page may write plain text to the clipboard ("Copy the link" while waiting for
 * the browser). Chromium sanitises such writes; reading the clipboard stays refused.
 */
export function decidePermission(permission: string, requestingUrl?: string): boolean {
  return (
    permission === 'clipboard-sanitized-write' &&
    requestingUrl !== undefined &&
    originOf(requestingUrl) === APP_ORIGIN
  );
}
