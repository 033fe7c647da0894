# Shared by scripts/start.sh and scripts/test.sh: install dependencies and start the infrastructure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-}"

say() { printf '\033[1m[concert]\033[0m %s\n' "$*"; }

ensure_node_modules() {
  # Re-install only when the lock file changed since the last install.
  local stamp=node_modules/.package-lock.stamp
  if [ ! -d node_modules ] || ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

ensure_infra() {
  say "starting infrastructure (PostgreSQL, Redis, Kafka)"
  bash infra/scripts/infra.sh up
  # The tests' own Redis (libs/testing TEST_REDIS_PORT): fault tests restart it, tests flush it.
  REDIS_PORT="${TEST_REDIS_PORT:-6380}" bash infra/scripts/redis.sh ensure
  bash infra/scripts/db-bootstrap.sh concert_e2e
}
