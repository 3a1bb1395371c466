import { useEffect } from 'react';

/**
 * Asks before the window unloads (reload, close) while there are unsaved edits. The browser shows its
 * own question; in Electron, main answers `will-prevent-unload`.
 */
export function useBeforeUnload(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older engines want a returnValue as well; its text is never shown.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [active]);
}
