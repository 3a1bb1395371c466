// Bundles the main process and the preload script into CommonJS files Electron loads directly.
// The renderer is built separately by Vite. Native and Electron-provided modules stay external; every
// other module is bundled, so the external ones are exactly what package.json must list as
// `dependencies` (what electron-builder ships in app.asar/node_modules). oidc-provider is external
// because only a development run loads it (the local provider), never a packaged build.
// The output paths are fixed: package.json `main` (what electron-builder packages) and the e2e harness
// name them, and main/electron/app.ts finds dist/ from its bundle's location (dist/main).
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The Node inside Electron 45 (24.x; electron's own package pins @types/node ^24). The preload runs on
  // the same V8 in the renderer, which is Chromium's and at least as new, so one target serves both.
  target: 'node24',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', 'keytar', 'electron-log', 'oidc-provider'],
};

await Promise.all([
  build({ ...shared, entryPoints: ['main/electron/app.ts'], outfile: 'dist/main/app.cjs' }),
  // A sandboxed preload may only require a few Electron modules: everything else is bundled in.
  build({ ...shared, entryPoints: ['preload/index.ts'], outfile: 'dist/preload/index.cjs' }),
]);
