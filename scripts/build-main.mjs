// Bundles the main process and the preload script into CommonJS files Electron loads directly.
// The renderer is built separately by Vite. Native and Electron-provided modules stay external.
// The output paths are fixed: package.json `main` (what electron-builder packages) and the e2e harness
// name them, and main/electron/app.ts finds dist/ from its bundle's location (dist/main).
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', 'keytar', 'electron-log', 'oidc-provider'],
};

await Promise.all([
  build({ ...shared, entryPoints: ['main/electron/app.ts'], outfile: 'dist/main/app.cjs' }),
  // A sandboxed preload may only require a few Electron modules: everything else is bundled in.
  build({ ...shared, entryPoints: ['preload/index.ts'], outfile: 'dist/preload/index.cjs' }),
]);
