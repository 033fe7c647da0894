#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) from Maven Central jars, no Docker.
#
#   bash infra/scripts/kafka.sh fetch     # download jars into the cache (once)
#   bash infra/scripts/kafka.sh start     # fetch + format storage (once) + start + wait
#   bash infra/scripts/kafka.sh stop      # SIGTERM, wait, SIGKILL after $KAFKA_STOP_TIMEOUT s
#   bash infra/scripts/kafka.sh restart   # stop + start on the same data dir
#   bash infra/scripts/kafka.sh status
#   bash infra/scripts/kafka.sh topics    # create topics from infra/kafka/topics.txt (idempotent)
#   bash infra/scripts/kafka.sh tool <MainClass> [args...]   # run a Kafka CLI class
#
# The 3-node cluster (`infra.sh up --cluster`; ports KAFKA_CLUSTER_PORTS, data KAFKA_CLUSTER_DIR):
#   bash infra/scripts/kafka.sh cluster up|down|status|topics
#   bash infra/scripts/kafka.sh cluster start|stop|kill <node 1-3>   # one node (kill = SIGKILL)
#
# Env: KAFKA_VERSION (4.1.1), KAFKA_HOME_CACHE (jar dir), KAFKA_DATA_DIR (~/.local/share/concert-booking/kafka),
#      KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_START_TIMEOUT (90),
#      KAFKA_STOP_TIMEOUT (30), KAFKA_HEAP_OPTS (-Xms256m -Xmx1g).
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_CONF_DIR="$INFRA_DIR/kafka"
KAFKA_TEMPLATE="$KAFKA_CONF_DIR/server.properties.template"
KAFKA_NODE_ID=1
KAFKA_QUORUM_VOTERS=""
LIBS_MARKER="$KAFKA_LIBS_DIR/.complete"

read_pid() { [ -f "$KAFKA_PID_FILE" ] && cat "$KAFKA_PID_FILE" 2>/dev/null || true; }

# Our broker = the pid in our pid file, alive, and really a kafka.Kafka JVM.
our_pid() {
  local pid
  pid="$(read_pid)"
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep 'kafka\.Kafka' >/dev/null; then
    echo "$pid"
  fi
}

with_lock() {
  mkdir -p "$KAFKA_DATA_DIR"
  exec 9>"$KAFKA_DATA_DIR/.lock"
  flock -w 180 9 || die "another kafka.sh holds $KAFKA_DATA_DIR/.lock"
}

cmd_fetch() {
  if [ -f "$LIBS_MARKER" ] && [ "$(cat "$LIBS_MARKER")" = "$KAFKA_VERSION" ]; then
    log "kafka $KAFKA_VERSION jars cached in $KAFKA_LIBS_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
  command -v java >/dev/null || die "java not found (apt-get install -y openjdk-17-jre-headless)"
  local parent tmp t0
  parent="$(dirname "$KAFKA_LIBS_DIR")"
  mkdir -p "$parent"
  tmp="$(mktemp -d "$parent/libs.tmp.XXXXXX")"
  t0=$SECONDS
  log "fetching kafka_2.13:$KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS_DIR (first time: ~55 MB)"
  if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_CONF_DIR/pom.xml" \
      -Dkafka.version="$KAFKA_VERSION" -Dlibs.dir="$tmp" package >"$tmp.mvn.log" 2>&1; then
    tail -n 40 "$tmp.mvn.log" >&2 || true
    rm -rf "$tmp" "$tmp.mvn.log"
    die "mvn failed to fetch Kafka $KAFKA_VERSION jars"
  fi
  rm -f "$tmp.mvn.log"
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar "$tmp"/kafka-tools-"$KAFKA_VERSION".jar \
     "$tmp"/log4j-slf4j-impl-*.jar "$tmp"/slf4j-api-1.7.*.jar >/dev/null 2>&1 \
     || { rm -rf "$tmp"; die "fetched jar set is incomplete (see $KAFKA_CONF_DIR/pom.xml)"; }
  echo "$KAFKA_VERSION" >"$tmp/.complete"
  rm -rf "$KAFKA_LIBS_DIR"
  mv "$tmp" "$KAFKA_LIBS_DIR"
  rm -rf "$KAFKA_CONF_DIR/target"
  log "fetched $(find "$KAFKA_LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIBS_DIR" | cut -f1)) in $((SECONDS - t0)) s"
}

render_config() {
  mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_LOG_DIRS"
  sed -e "s#@KAFKA_HOST@#$KAFKA_HOST#g" \
      -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@KAFKA_LOG_DIRS@#$KAFKA_LOG_DIRS#g" \
      -e "s#@KAFKA_NODE_ID@#$KAFKA_NODE_ID#g" \
      -e "s#@KAFKA_QUORUM_VOTERS@#$KAFKA_QUORUM_VOTERS#g" \
      "$KAFKA_TEMPLATE" >"$KAFKA_PROPS.tmp"
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

# Kafka cluster ids are 16 random bytes, base64url without padding (22 chars).
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    case "$id" in -*) ;; *) echo "$id"; return ;; esac
  done
}

format_storage() {
  if [ -f "$KAFKA_LOG_DIRS/meta.properties" ]; then
    return 0
  fi
  local cid_file="$KAFKA_CLUSTER_ID_FILE" cid
  [ -s "$cid_file" ] || new_cluster_id >"$cid_file"
  cid="$(cat "$cid_file")"
  log "formatting KRaft storage in $KAFKA_LOG_DIRS (cluster id $cid)"
  java -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/tools-log4j2.properties" \
    -cp "$KAFKA_LIBS_DIR/*" kafka.tools.StorageTool format \
    --cluster-id="$cid" -c "$KAFKA_PROPS" -g >/dev/null
}

print_tail() {
  warn "last lines of $KAFKA_SERVER_LOG:"
  tail -n 40 "$KAFKA_SERVER_LOG" >&2 2>/dev/null || true
  if [ -s "$KAFKA_STDOUT_LOG" ]; then
    warn "last lines of $KAFKA_STDOUT_LOG:"
    tail -n 20 "$KAFKA_STDOUT_LOG" >&2 || true
  fi
}

# What the broker logged since byte `offset` of server.log (its size before this start). log4j2
# rolls server.log at 50 MB: after a roll the new file holds only lines written since, and the
# rest of this start's lines are at the end of the newest archive (server.log.N, by mtime: which
# index is newest depends on the rollover strategy). A roll during startup once made a start
# wait for a line it could no longer see.
log_since() {
  local offset=$1 size newest
  size=$(stat -c %s "$KAFKA_SERVER_LOG" 2>/dev/null || echo 0)
  if ((size >= offset)); then
    tail -c +"$((offset + 1))" "$KAFKA_SERVER_LOG" 2>/dev/null || true
  else
    newest="$(ls -t "$KAFKA_SERVER_LOG".* 2>/dev/null | head -n 1 || true)"
    [ -n "$newest" ] && tail -c +"$((offset + 1))" "$newest" 2>/dev/null || true
    cat "$KAFKA_SERVER_LOG" 2>/dev/null || true
  fi
}

cmd_start() {
  with_lock
  local pid
  pid="$(our_pid)"
  if [ -n "$pid" ] && port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    log "kafka already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  if [ -z "$pid" ] && port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    log "something already listens on $KAFKA_HOST:$KAFKA_PORT (not started by us); reusing it"
    return 0
  fi
  if [ -n "$pid" ]; then
    # Our JVM is alive but not (yet) listening: a start in progress or a hung broker.
    log "kafka pid $pid is alive but $KAFKA_HOST:$KAFKA_PORT is closed; waiting for it"
  else
    if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
      die "$KAFKA_HOST:$KAFKA_CONTROLLER_PORT (controller port) is taken by another process"
    fi
    cmd_fetch
    render_config
    format_storage
  fi

  local t0=$SECONDS offset=0
  [ -f "$KAFKA_SERVER_LOG" ] && offset=$(stat -c %s "$KAFKA_SERVER_LOG")
  if [ -z "$pid" ]; then
    log "starting kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (data $KAFKA_DATA_DIR)"
    # shellcheck disable=SC2086
    setsid nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true \
      -Dkafka.logs.dir="$KAFKA_DATA_DIR" \
      -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2.properties" \
      -cp "$KAFKA_LIBS_DIR/*" kafka.Kafka "$KAFKA_PROPS" \
      >"$KAFKA_STDOUT_LOG" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$KAFKA_PID_FILE"
  fi

  local started=""
  while ((SECONDS - t0 < KAFKA_START_TIMEOUT)); do
    if ! pid_alive "$pid"; then
      print_tail
      rm -f "$KAFKA_PID_FILE"
      die "kafka exited during startup"
    fi
    # Not `grep -q`: it exits at the first match, tail then dies of SIGPIPE and, under pipefail,
    # the pipeline fails exactly when the line is there (seen once the log is large).
    if log_since "$offset" | grep 'Kafka Server started' >/dev/null; then
      started=1
      break
    fi
    sleep 0.3
  done
  if [ -z "$started" ]; then
    print_tail
    die "kafka did not log 'Kafka Server started' within ${KAFKA_START_TIMEOUT}s (pid $pid still running; 'kafka.sh stop' to kill it)"
  fi
  local version
  version="$(log_since "$offset" | grep -o 'Kafka version: [^ ]*' | tail -n 1 | sed 's/Kafka version: //')"
  log "kafka started (pid $pid, version ${version:-unknown}) on $KAFKA_HOST:$KAFKA_PORT in $((SECONDS - t0)) s"
}

cmd_stop() {
  with_lock
  local pid
  pid="$(our_pid)"
  if [ -z "$pid" ]; then
    rm -f "$KAFKA_PID_FILE"
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "kafka on $KAFKA_HOST:$KAFKA_PORT was not started by these scripts; leaving it running"
    else
      log "kafka not running"
    fi
    return 0
  fi
  local t0=$SECONDS
  log "stopping kafka (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" && ((SECONDS - t0 < KAFKA_STOP_TIMEOUT)); do sleep 0.2; done
  if pid_alive "$pid"; then
    warn "kafka did not stop within ${KAFKA_STOP_TIMEOUT}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$KAFKA_PID_FILE"
  wait_port_closed "$KAFKA_HOST" "$KAFKA_PORT" 10 || warn "$KAFKA_HOST:$KAFKA_PORT still open after stop"
  log "kafka stopped in $((SECONDS - t0)) s"
}

cmd_status() {
  local pid state
  pid="$(our_pid)"
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    if [ -n "$pid" ]; then state="up (pid $pid, started by infra scripts, data $KAFKA_DATA_DIR)"
    else state="up (external, not started by infra scripts)"; fi
  elif [ -n "$pid" ]; then
    state="starting or hung (pid $pid alive, port closed)"
  else
    state="down"
  fi
  log "kafka      $KAFKA_HOST:$KAFKA_PORT  $state"
  [[ "$state" == up* ]]
}

# Run a Kafka CLI main class with the cached jars (quiet logging).
run_tool() {
  local main="$1"; shift
  java -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/tools-log4j2.properties" \
    -cp "$KAFKA_LIBS_DIR/*" "$main" "$@"
}

# cmd_topics [bootstrap] [replication factor]
cmd_topics() {
  cmd_fetch >/dev/null
  local bs="${1:-$KAFKA_HOST:$KAFKA_PORT}" rf="${2:-1}" existing name parts rest missing=() pids=() rc=0 i
  existing="$(run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --list)" \
    || die "could not list topics on $bs"
  while read -r name parts rest; do
    [[ -z "${name:-}" || "$name" == \#* ]] && continue
    [[ "${parts:-}" =~ ^[0-9]+$ ]] || die "bad line in topics.txt: '$name ${parts:-}'"
    if grep -qxF "$name" <<<"$existing"; then
      continue
    fi
    missing+=("$name:$parts")
  done <"$KAFKA_CONF_DIR/topics.txt"
  if ((${#missing[@]} == 0)); then
    log "kafka topics present: $(grep -c . <(grep -vE '^\s*(#|$)' "$KAFKA_CONF_DIR/topics.txt")) from topics.txt"
    return 0
  fi
  for i in "${missing[@]}"; do
    name="${i%:*}"; parts="${i##*:}"
    log "creating topic $name (partitions $parts, replication $rf)"
    run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --create --if-not-exists \
      --topic "$name" --partitions "$parts" --replication-factor "$rf" >/dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  ((rc == 0)) || die "topic creation failed"
  log "kafka topics ready (${#missing[@]} created)"
}

# Points every per-node variable at node $1 of the cluster (call it in a subshell).
use_node() {
  local i=$1 ports cports voters="" n=0 p
  read -r -a ports <<<"$KAFKA_CLUSTER_PORTS"
  read -r -a cports <<<"$KAFKA_CLUSTER_CONTROLLER_PORTS"
  [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= ${#ports[@]})) || die "no kafka cluster node '$i' (1-${#ports[@]})"
  for p in "${cports[@]}"; do n=$((n + 1)); voters+="${voters:+,}$n@$KAFKA_HOST:$p"; done
  KAFKA_NODE_ID=$i
  KAFKA_QUORUM_VOTERS=$voters
  KAFKA_PORT=${ports[i - 1]}
  KAFKA_CONTROLLER_PORT=${cports[i - 1]}
  KAFKA_DATA_DIR="$KAFKA_CLUSTER_DIR/node-$i"
  KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"
  KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
  KAFKA_SERVER_LOG="$KAFKA_DATA_DIR/server.log"
  KAFKA_STDOUT_LOG="$KAFKA_DATA_DIR/kafka.out"
  KAFKA_PROPS="$KAFKA_DATA_DIR/server.properties"
  KAFKA_CLUSTER_ID_FILE="$KAFKA_CLUSTER_DIR/cluster.id"
  KAFKA_TEMPLATE="$KAFKA_CONF_DIR/server-cluster.properties.template"
  KAFKA_HEAP_OPTS="$KAFKA_CLUSTER_HEAP_OPTS"
  # A node waits for a controller quorum before it reports started.
  KAFKA_START_TIMEOUT="${KAFKA_CLUSTER_START_TIMEOUT:-150}"
}

cluster_nodes() { local n; n=$(wc -w <<<"$KAFKA_CLUSTER_PORTS"); seq 1 "$n"; }

# Runs `cmd` for every node at once (a node cannot finish starting without a quorum of the others).
each_node() {
  local i pids=() rc=0
  for i in $(cluster_nodes); do
    ( use_node "$i"; "$@" ) &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  return $rc
}

cmd_cluster() {
  local action="${1:-}" node="${2:-}"
  case "$action" in
    up)
      cmd_fetch
      mkdir -p "$KAFKA_CLUSTER_DIR"
      [ -s "$KAFKA_CLUSTER_DIR/cluster.id" ] || new_cluster_id >"$KAFKA_CLUSTER_DIR/cluster.id"
      each_node cmd_start || die "kafka cluster did not start"
      # No topics.txt pass here: every service creates the topics it uses (broker defaults: RF 3),
      # and seven CLI JVMs would cost more than the cluster's start; `cluster topics` does it by hand.
      log "kafka cluster up: KAFKA_BROKERS=$(kafka_cluster_brokers)"
      ;;
    down) each_node cmd_stop ;;
    status)
      local i rc=0
      for i in $(cluster_nodes); do ( use_node "$i"; cmd_status ) || rc=1; done
      return $rc
      ;;
    topics) cmd_topics "$(kafka_cluster_brokers)" 3 ;;
    start) ( use_node "$node"; cmd_fetch >/dev/null; cmd_start ) ;;
    stop) ( use_node "$node"; cmd_stop ) ;;
    kill)
      (
        use_node "$node"
        local pid
        pid="$(our_pid)"
        [ -n "$pid" ] || die "kafka cluster node $node is not running (or not ours)"
        log "killing kafka cluster node $node (pid $pid, SIGKILL)"
        kill -KILL "$pid"
        while pid_alive "$pid"; do sleep 0.1; done
        rm -f "$KAFKA_PID_FILE"
      )
      ;;
    *) die "usage: kafka.sh cluster up|down|status|topics | cluster start|stop|kill <node>" ;;
  esac
}

case "${1:-}" in
  cluster) shift; cmd_cluster "$@" ;;
  fetch)   cmd_fetch ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status)  cmd_status ;;
  topics)  cmd_topics ;;
  tool)    shift; [ $# -ge 1 ] || die "usage: kafka.sh tool <MainClass> [args...]"; cmd_fetch >/dev/null; run_tool "$@" ;;
  *) echo "usage: $0 fetch|start|stop|restart|status|topics|tool <MainClass> [args...]|cluster ..." >&2; exit 2 ;;
esac
