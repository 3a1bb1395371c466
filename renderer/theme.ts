/**
 * The person's theme: System (follow the OS), Light or Dark. Decided in the page: the stylesheet's
 * colours follow `data-theme` on <html> (renderer/styles.css), and CSS `color-scheme` gives native
 * controls and scrollbars the same scheme. Kept in localStorage: app://latchkey is registered as a
 * standard scheme (main/electron/window.ts), and Electron enables web storage only for standard schemes
 * (electron.d.ts 45.5.0, protocol.registerSchemesAsPrivileged: "By default web storage apis
 * (localStorage, sessionStorage, ...) are disabled for non standard schemes"). Not a secret.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'latchkey.theme';

export function storedTheme(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function chooseTheme(choice: ThemeChoice): void {
  applyTheme(choice);
  try {
    if (choice === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // Not kept for the next launch; applied all the same.
  }
}
