#!/usr/bin/env bash
# npm test: every check, cheapest first. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step 'lockfile (npm ci must accept package-lock.json; see tools/lockfile/add-platform-stubs.cjs)'
npm ci --dry-run --no-audit --no-fund --loglevel=error >/dev/null

step 'typecheck (tsc --noEmit, every tsconfig)'
tsc --noEmit -p tsconfig.json
tsc --noEmit -p tsconfig.node.json

step 'lint (eslint)'
eslint --max-warnings=0 .

step 'format (prettier --check)'
prettier --check . --log-level warn

step 'builds: WeChat, Alipay, H5, cloud functions'
taro build --type weapp
taro build --type alipay
taro build --type h5
tsx tools/bundle-functions.ts

step 'package sizes'
tsx tools/bench/size.ts

step 'browser prerequisites (chromium, CJK fonts)'
bash tools/ensure-browser.sh

step 'jest (business time is Asia/Shanghai; tests run in another zone to prove it)'
mkdir -p test/artifacts
status=0
TZ=America/Los_Angeles jest --ci --json --outputFile=test/artifacts/jest-results.json "$@" || status=$?
node -e '
const r = require("./test/artifacts/jest-results.json")
// a skipped suite is never silent: its name says why it did not run
for (const file of r.testResults)
  for (const t of file.assertionResults)
    if (t.status === "pending") console.log(`skipped: ${t.fullName}`)
console.log(`\njest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped (${r.numTotalTestSuites} suites)`)
' || true
exit $status
