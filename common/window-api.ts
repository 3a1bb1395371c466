import type { LatchkeyApi } from './contract';

/**
 * The global the preload script exposes (preload/index.ts). The renderer includes this file for
 * `window.latchkey`; it is the only door from the page to main.
 */
declare global {
  interface Window {
    readonly latchkey: LatchkeyApi;
  }
}

export type { LatchkeyApi };
