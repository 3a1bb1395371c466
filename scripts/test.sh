#!/usr/bin/env bash
# `npm test`: everything CI runs, in the order that fails fastest.
# Integration and end-to-end tests run inside a private headless keyring (scripts/with-keyring.sh)
# and drive Debian Chromium; the developer's own keychain and browser profile are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step lint
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn
node scripts/electronegativity.mjs

step typecheck
npx tsc -p tsconfig.node.json
npx tsc -p tsconfig.web.json
npx tsc -p tsconfig.e2e.json

step build
npm run --silent build

reports=.tmp/test-reports
rm -rf "$reports" && mkdir -p "$reports"

step "unit tests (no keyring, no browser)"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"

step "integration tests (private keyring, local provider, Chromium)"
scripts/with-keyring.sh npx vitest run --project integration --reporter=default --reporter=json \
  --outputFile.json="$reports/integration.json"

step "end-to-end tests (private keyring, Chromium; Electron where its binary exists)"
# The build step above already produced dist/: global setup need not build it again.
LATCHKEY_E2E_SKIP_BUILD=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/playwright.json" \
  scripts/with-keyring.sh npx playwright test --reporter=list,json

step summary
node scripts/test-summary.mjs "$reports/unit.json" "$reports/integration.json" "$reports/playwright.json"
