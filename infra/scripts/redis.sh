#!/usr/bin/env bash
# Local Redis on 127.0.0.1:$REDIS_PORT (default 6379), no Docker.
#
#   bash infra/scripts/redis.sh ensure    # reuse a listening Redis, else start one (apt install if missing)
#   bash infra/scripts/redis.sh restart   # SHUTDOWN NOSAVE, then start again with the same settings
#   bash infra/scripts/redis.sh status
#   bash infra/scripts/redis.sh cluster up|down|status|flush   # 3-master Redis Cluster on
#                                         # REDIS_CLUSTER_PORTS (7001-7003), beside the single Redis
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

rcli() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@"; }

# config_get KEY -> value of a Redis config key (second line of CONFIG GET output)
config_get() { rcli --raw CONFIG GET "$1" 2>/dev/null | sed -n 2p; }

wait_ping() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(rcli PING 2>/dev/null || true)" = "PONG" ] && return 0
    sleep 0.1
  done
  return 1
}

# start_redis [bind] [save] [appendonly] [dir]
start_redis() {
  local bind="${1:-$REDIS_HOST}" save="${2:-}" aof="${3:-no}" dir="${4:-}"
  if [ -z "$dir" ]; then dir="$INFRA_DATA_DIR/redis"; fi
  mkdir -p "$dir"
  log "starting redis-server on $REDIS_HOST:$REDIS_PORT (bind '$bind', save '$save', appendonly $aof)"
  redis-server --daemonize yes --bind "$bind" --port "$REDIS_PORT" --save "$save" \
    --appendonly "$aof" --dir "$dir" 9>&-
  wait_ping || die "redis did not answer PING on $REDIS_HOST:$REDIS_PORT"
  log "redis up on $REDIS_HOST:$REDIS_PORT"
}

cmd_ensure() {
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "redis already listening on $REDIS_HOST:$REDIS_PORT; reusing it"
    return 0
  fi
  command -v redis-server >/dev/null || apt_install redis-server redis-tools
  # Debian's postinst may have started it already.
  if wait_port_quick; then
    log "redis listening on $REDIS_HOST:$REDIS_PORT after install; reusing it"
    return 0
  fi
  start_redis "$REDIS_HOST" "" no ""
}

wait_port_quick() {
  local i
  for ((i = 0; i < 10; i++)); do port_open "$REDIS_HOST" "$REDIS_PORT" && return 0; sleep 0.1; done
  return 1
}

cmd_restart() {
  local t0=$SECONDS bind save aof dir cfg
  if [ "$(rcli PING 2>/dev/null || true)" != "PONG" ]; then
    log "redis not running on $REDIS_HOST:$REDIS_PORT; starting it"
    cmd_ensure
    return 0
  fi
  # Restart the same way it runs now: keep its bind/save/appendonly/dir (or its config file).
  cfg="$(rcli INFO server | tr -d '\r' | sed -n 's/^config_file://p')"
  bind="$(config_get bind)"; save="$(config_get save)"; aof="$(config_get appendonly)"; dir="$(config_get dir)"
  log "restarting redis on $REDIS_HOST:$REDIS_PORT (SHUTDOWN NOSAVE)"
  rcli SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait_port_closed "$REDIS_HOST" "$REDIS_PORT" 10 || die "redis still listening after SHUTDOWN"
  if [ -n "$cfg" ]; then
    log "starting redis-server $cfg"
    redis-server "$cfg" --daemonize yes 9>&-
    wait_ping || die "redis did not answer PING after restart"
  else
    start_redis "${bind:-$REDIS_HOST}" "$save" "${aof:-no}" "$dir"
  fi
  log "redis restarted in $((SECONDS - t0)) s"
}

cmd_status() {
  if [ "$(rcli PING 2>/dev/null || true)" = "PONG" ]; then
    log "redis      $REDIS_HOST:$REDIS_PORT  up (redis $(rcli INFO server | tr -d '\r' | sed -n 's/^redis_version://p'))"
  else
    log "redis      $REDIS_HOST:$REDIS_PORT  down"
    return 1
  fi
}

# --- Redis Cluster: three masters, no replicas (a test bed for slots and hash tags, not for HA) ---

ccli() { local port=$1; shift; redis-cli -h "$REDIS_HOST" -p "$port" "$@"; }
cluster_state() { ccli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

cluster_up() {
  command -v redis-server >/dev/null || apt_install redis-server redis-tools
  local p dir nodes=() i
  for p in $REDIS_CLUSTER_PORTS; do
    nodes+=("$REDIS_HOST:$p")
    if port_open "$REDIS_HOST" "$p"; then
      [ -n "$(cluster_state "$p")" ] || die "$REDIS_HOST:$p is taken by a Redis that is not a cluster node"
      continue
    fi
    dir="$REDIS_CLUSTER_DIR/$p"
    mkdir -p "$dir"
    # In-memory like the single test Redis; nodes.conf keeps the slot map across restarts.
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$p" --dir "$dir" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --save "" --appendonly no --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" 9>&-
  done
  for p in $REDIS_CLUSTER_PORTS; do
    for ((i = 0; i < 100; i++)); do [ "$(ccli "$p" PING 2>/dev/null || true)" = "PONG" ] && break; sleep 0.1; done
  done
  local first=${nodes[0]##*:}
  if [ "$(ccli "$first" CLUSTER INFO | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" = "0" ]; then
    log "creating redis cluster ${nodes[*]}"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  fi
  for p in $REDIS_CLUSTER_PORTS; do
    for ((i = 0; i < 200; i++)); do [ "$(cluster_state "$p")" = "ok" ] && break; sleep 0.1; done
    [ "$(cluster_state "$p")" = "ok" ] || die "redis cluster node $p: cluster_state $(cluster_state "$p")"
  done
  log "redis cluster up: REDIS_URL=$(redis_cluster_url)"
}

cluster_down() {
  local p
  for p in $REDIS_CLUSTER_PORTS; do
    if [ -f "$REDIS_CLUSTER_DIR/$p/redis.pid" ] && port_open "$REDIS_HOST" "$p"; then
      ccli "$p" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
      wait_port_closed "$REDIS_HOST" "$p" 10 || warn "redis cluster node $p still listening"
    fi
  done
  log "redis cluster stopped"
}

cluster_status() {
  local p st rc=0
  for p in $REDIS_CLUSTER_PORTS; do
    st="$(cluster_state "$p")"
    log "redis      $REDIS_HOST:$p  ${st:+cluster node, state }${st:-down}"
    [ "$st" = "ok" ] || rc=1
  done
  return $rc
}

# Every key on every master: a clean cluster for a test run (a cluster has only db 0).
cluster_flush() {
  local p
  for p in $REDIS_CLUSTER_PORTS; do ccli "$p" FLUSHALL >/dev/null; done
}

cmd_cluster() {
  case "${1:-}" in
    up) cluster_up ;;
    down) cluster_down ;;
    status) cluster_status ;;
    flush) cluster_flush ;;
    *) die "usage: redis.sh cluster up|down|status|flush" ;;
  esac
}

case "${1:-}" in
  cluster)      shift; cmd_cluster "$@" ;;
  ensure|start) cmd_ensure ;;
  restart)      cmd_restart ;;
  status)       cmd_status ;;
  *) echo "usage: $0 ensure|restart|status|cluster ..." >&2; exit 2 ;;
esac
