import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer only. Main and preload are bundled by scripts/build-main.mjs (esbuild, CommonJS). */
export const config = defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    // No inline scripts or styles anywhere: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});

export default config;
