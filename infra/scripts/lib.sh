#!/usr/bin/env bash
# Shared helpers for infra/scripts/*.sh. Source it; do not run it.
# shellcheck disable=SC2034

INFRA_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(cd "$INFRA_SCRIPTS_DIR/.." && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"

# Git-ignored runtime state (see infra/.gitignore).
INFRA_DATA_DIR="${INFRA_DATA_DIR:-$INFRA_DIR/.data}"

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_SUPERUSER="${PG_SUPERUSER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# Jar cache, outside the repository's tracked files (~55 MB).
KAFKA_LIBS_DIR="${KAFKA_HOME_CACHE:-${HOME:-/root}/.cache/concert-kafka/$KAFKA_VERSION/libs}"
# One broker identity per machine, not per checkout: every clone (CI included) finds the running
# broker's pid file and data here, so fault tests can stop and restart it from any checkout.
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/concert-booking/kafka}"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"     # topic data + KRaft metadata
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_SERVER_LOG="$KAFKA_DATA_DIR/server.log"   # written by log4j2 (infra/kafka/log4j2.properties)
KAFKA_STDOUT_LOG="$KAFKA_DATA_DIR/kafka.out"    # JVM stdout/stderr (crashes before log4j is up)
KAFKA_PROPS="$KAFKA_DATA_DIR/server.properties" # generated from infra/kafka/server.properties.template
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
KAFKA_CLUSTER_ID_FILE="${KAFKA_CLUSTER_ID_FILE:-$KAFKA_DATA_DIR/cluster.id}"

# Clustered engines (`infra.sh up --cluster`): a 3-node KRaft Kafka and a 3-master Redis Cluster,
# on ports of their own so they run beside the single nodes above.
KAFKA_CLUSTER_PORTS="${KAFKA_CLUSTER_PORTS:-19092 19094 19096}"
KAFKA_CLUSTER_CONTROLLER_PORTS="${KAFKA_CLUSTER_CONTROLLER_PORTS:-19093 19095 19097}"
KAFKA_CLUSTER_DIR="${KAFKA_CLUSTER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/concert-booking/kafka-cluster}"
# Three JVMs on one small machine: small heaps (a node of this cluster holds test-sized data).
KAFKA_CLUSTER_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx384m}"
REDIS_CLUSTER_PORTS="${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
REDIS_CLUSTER_DIR="${REDIS_CLUSTER_DIR:-$INFRA_DATA_DIR/redis-cluster}"

# What the services take to run on the clustered engines (KAFKA_BROKERS, REDIS_URL).
kafka_cluster_brokers() { local p out=""; for p in $KAFKA_CLUSTER_PORTS; do out+="${out:+,}$KAFKA_HOST:$p"; done; echo "$out"; }
redis_cluster_url() { local p out=""; for p in $REDIS_CLUSTER_PORTS; do out+="${out:+,}$REDIS_HOST:$p"; done; echo "redis+cluster://$out"; }

log()  { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARN: %s\n' "$*" >&2; }
die()  { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# port_open HOST PORT -> 0 when something accepts TCP connections there.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# wait_port_closed HOST PORT SECONDS
wait_port_closed() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    port_open "$1" "$2" || return 0
    sleep 0.1
  done
  return 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# apt_install PKG... (root only; runs apt-get update first, once per process)
apt_install() {
  is_root || die "need root to apt-get install $*; install it yourself and re-run"
  command -v apt-get >/dev/null || die "apt-get not available; install $* yourself and re-run"
  if [ -z "${_INFRA_APT_UPDATED:-}" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _INFRA_APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# pid_alive PID -> 0 when the process exists and is not a zombie.
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [ "$state" != "Z" ]
}
