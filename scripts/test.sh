#!/usr/bin/env bash
# Quick start, command 2: every check and test (lint, typecheck, unit, integration, end-to-end, faults).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
ensure_infra
rm -rf tmp/test-results && mkdir -p tmp/test-results tmp/logs
npx tsx tools/prune-topics.ts
say "lint + typecheck + build"
npx nx run-many -t lint typecheck build --output-style=static
say "tests (projects one at a time: they share the 2-core machine and the brokers)"
status=0
npx nx run-many -t test --parallel=1 --output-style=static || status=$?
node tools/test-summary.mjs tmp/test-results || status=1
exit "$status"
