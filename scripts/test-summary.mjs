// Prints the suite's closing line, "N passed, N failed, N skipped", from the JSON reports Vitest (unit,
// integration) and Playwright wrote during `npm test`, so one line says what ran whatever the runner.
import { existsSync, readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };

function vitest(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
}

function playwright(path) {
  const { stats } = JSON.parse(readFileSync(path, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
}

// Each report is read by its shape: Playwright's has `stats`, Vitest's the `num*Tests` counts.
for (const path of process.argv.slice(2)) {
  if (!existsSync(path)) continue;
  if ('stats' in JSON.parse(readFileSync(path, 'utf8'))) playwright(path);
  else vitest(path);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.failed > 0 || totals.passed === 0) process.exit(1);
