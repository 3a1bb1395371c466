// Runs Doyensec's Electronegativity over the code that ships (main/, preload/, renderer/) and fails on
// any finding that .electronegativity.json does not accept explicitly, with a reason. Accepting is
// per check *and* file, so the same pattern appearing in a new place fails again until reviewed.
// Also fails on files the tool could not parse (an unparsed file is an unscanned file) and on
// acceptances that no longer match anything (stale reasons rot).
// Usage: node scripts/electronegativity.mjs [--verbose]
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SCANNED = ['main', 'preload', 'renderer'];
const verbose = process.argv.includes('--verbose');

const config = JSON.parse(readFileSync(join(root, '.electronegativity.json'), 'utf8'));
for (const entry of [...config.excludedChecks, ...config.acceptedFindings]) {
  if (typeof entry.justification !== 'string' || entry.justification.trim().length < 20) {
    console.error(`electronegativity: ${entry.check} needs a real justification in .electronegativity.json`);
    process.exit(2);
  }
}

// One staging folder, so that the global checks (CSP, permission handler, navigation limits) see the
// whole app at once, as it ships; tests, tools and node_modules are not part of it.
const stage = mkdtempSync(join(tmpdir(), 'latchkey-electronegativity-'));
let exitCode = 0;
try {
  for (const folder of SCANNED) {
    if (existsSync(join(root, folder))) cpSync(join(root, folder), join(stage, folder), { recursive: true });
  }

  // The tool downloads translations at start-up (falling back to its bundled English after a DNS
  // failure that costs seconds offline) and, for one excluded check, Electron's release list. Its
  // HTTP client is replaced by one that fails at once: this scan never uses the network.
  const toolDir = dirname(require.resolve('@doyensec/electronegativity'));
  const gotPath = require.resolve('got', { paths: [toolDir] });
  const offline = () => Promise.reject(new Error('electronegativity.mjs: no network by design'));
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const run = require('@doyensec/electronegativity');
  const log = console.log;
  if (!verbose) console.log = () => undefined; // its i18n loader prints a line when offline
  let result;
  try {
    result = await run({
      input: stage,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: config.excludedChecks.map((entry) => entry.check),
      customScan: [],
      parserPlugins: [],
    });
  } finally {
    console.log = log;
  }

  const toPosix = (file) => relative(stage, join(stage, file)).split(sep).join('/');
  const parseErrors = result.errors.filter((error) => !error.tolerable);
  for (const error of parseErrors)
    console.error(`electronegativity: could not parse ${error.file}: ${error.message}`);

  const used = new Set();
  const unaccepted = [];
  for (const issue of result.issues) {
    const file = toPosix(issue.file);
    const index = config.acceptedFindings.findIndex(
      (entry) => entry.check === issue.id && entry.file === file,
    );
    if (index >= 0) used.add(index);
    else unaccepted.push({ ...issue, file });
  }

  for (const issue of unaccepted) {
    console.error(
      `electronegativity: ${issue.id} at ${issue.file}:${issue.location.line}:${issue.location.column} ` +
        `(${issue.severity.name}, ${issue.confidence.name}): ${issue.description}`,
    );
  }
  const stale = config.acceptedFindings.filter((_, index) => !used.has(index));
  for (const entry of stale) {
    console.error(
      `electronegativity: accepted ${entry.check} in ${entry.file} no longer occurs: remove it from .electronegativity.json`,
    );
  }

  const accepted = used.size;
  console.log(
    `electronegativity ${electronVersion}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks, ` +
      `${result.issues.length} findings (${accepted} accepted with a reason), ${unaccepted.length} not accepted, ` +
      `${parseErrors.length} unparsable files, ${stale.length} stale acceptances`,
  );
  if (unaccepted.length > 0 || parseErrors.length > 0 || stale.length > 0) exitCode = 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
process.exit(exitCode);
