/**
 * `npm run mutation`: StrykerJS over the core (README, "Tests"). Each mutant (a small change to the
 * code: a condition forced, an operator swapped, a statement removed) is run against the unit tests
 * that cover it; a mutant every test survives is a decision no test would notice changing.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: {
    configFile: 'vitest.mutation.config.ts',
    // The runner's default is `threads` (its options schema, vitest-runner-options.json); under it
    // this suite's dry run never finished. `forks` is the project's own pool (vitest.config.ts); the
    // runner passes it to Vitest ≥ 4 as `{ pool, maxWorkers: 1 }` (vitest-test-runner.js,
    // #getVitestPoolConfig, @stryker-mutator/vitest-runner 10.1.1).
    pool: 'forks',
  },
  // Each test records which mutants it reaches; a mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  mutate: [
    'main/auth/**/*.ts',
    'main/session/**/*.ts',
    'main/keychain/**/*.ts',
    'main/ipc/**/*.ts',
    'main/account/**/*.ts',
    'common/**/*.ts',
  ],
  // Two cores are shared on the build machines.
  concurrency: 2,
  // Loopback and keychain tests wait on real sockets and timers; a loaded machine slows them.
  timeoutMS: 8_000,
  // Build output and other reports are not needed to run the unit tests: not copied to the sandbox.
  ignorePatterns: ['/dist', '/release', '/coverage', '/test-results', '/playwright-report', '/.tmp'],
  tempDirName: '.tmp/stryker',
  cleanTempDir: 'always',
  // `npm run mutation -- --incremental` re-tests only the mutants whose code or covering tests changed.
  incrementalFile: '.tmp/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/mutation/index.html' },
  jsonReporter: { fileName: '.tmp/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
