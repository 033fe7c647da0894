#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Redis, Apache Kafka (KRaft) on 127.0.0.1.
#
#   bash infra/scripts/infra.sh up       # idempotent: ensure postgres + redis, fetch (cached) + start
#                                        # kafka, create topics, bootstrap databases concert + concert_test
#   bash infra/scripts/infra.sh down     # stop kafka if these scripts started it; postgres/redis keep running
#   bash infra/scripts/infra.sh status   # one line per component; exit 1 if any is down
#   bash infra/scripts/infra.sh up|down|status --cluster   # (or INFRA_CLUSTER=1) the clustered engines:
#        postgres + a 3-node KRaft Kafka (RF 3, min ISR 2) on 19092/19094/19096 and a 3-master
#        Redis Cluster on 7001-7003, beside the single nodes; prints the services' KAFKA_BROKERS/REDIS_URL
#
# Ports: postgres 5432, redis 6379, kafka 9092 (controller 9093). State: infra/.data/ (git-ignored).
# Kafka jars: ~/.cache/concert-kafka/<version>/libs (override with KAFKA_HOME_CACHE).
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
S="$INFRA_SCRIPTS_DIR"

up() {
  local t0=$SECONDS
  bash "$S/postgres.sh" ensure
  bash "$S/redis.sh" ensure
  # The tests' own Redis, so tests never restart or flush the developer's (see libs/testing env.ts).
  REDIS_PORT="${TEST_REDIS_PORT:-6380}" bash "$S/redis.sh" ensure
  bash "$S/kafka.sh" start
  bash "$S/kafka.sh" topics
  bash "$S/db-bootstrap.sh" concert
  bash "$S/db-bootstrap.sh" concert_test
  log "up in $((SECONDS - t0)) s"
  status || true
}

down() {
  bash "$S/kafka.sh" stop
  # Postgres/Redis are usually the machine's own services (shared with other work): leave them.
  if [ -f "${PG_DATA:-$INFRA_DATA_DIR/postgres}/postmaster.pid" ]; then
    bash "$S/postgres.sh" stop
  else
    log "postgres on $PG_HOST:$PG_PORT left running (machine service)"
  fi
  log "redis on $REDIS_HOST:$REDIS_PORT left running (machine service)"
}

status() {
  local rc=0
  bash "$S/postgres.sh" status || rc=1
  bash "$S/redis.sh" status || rc=1
  bash "$S/kafka.sh" status || rc=1
  return $rc
}

cluster_up() {
  local t0=$SECONDS
  bash "$S/postgres.sh" ensure
  bash "$S/redis.sh" cluster up
  bash "$S/kafka.sh" cluster up
  bash "$S/db-bootstrap.sh" concert
  bash "$S/db-bootstrap.sh" concert_test
  log "cluster up in $((SECONDS - t0)) s; run the services with:"
  log "  KAFKA_BROKERS=$(kafka_cluster_brokers) REDIS_URL=$(redis_cluster_url)"
}

cluster_down() {
  bash "$S/kafka.sh" cluster down
  bash "$S/redis.sh" cluster down
}

cluster_status() {
  local rc=0
  bash "$S/postgres.sh" status || rc=1
  bash "$S/redis.sh" cluster status || rc=1
  bash "$S/kafka.sh" cluster status || rc=1
  return $rc
}

action="${1:-}"
shift || true
cluster="${INFRA_CLUSTER:-}"
for arg in "$@"; do
  case "$arg" in
    --cluster) cluster=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
case "$action${cluster:+-cluster}" in
  up)             up ;;
  down)           down ;;
  status)         status ;;
  up-cluster)     cluster_up ;;
  down-cluster)   cluster_down ;;
  status-cluster) cluster_status ;;
  *) echo "usage: $0 up|down|status [--cluster]" >&2; exit 2 ;;
esac
