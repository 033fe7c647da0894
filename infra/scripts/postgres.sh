#!/usr/bin/env bash
# Local PostgreSQL on 127.0.0.1:$PG_PORT (default 5432), no Docker.
#
#   bash infra/scripts/postgres.sh ensure   # reuse a listening server; else start the OS cluster;
#                                           # else apt install postgresql + own cluster in infra/.data/postgres
#   bash infra/scripts/postgres.sh stop     # stops only the cluster in infra/.data/postgres (if we started it)
#   bash infra/scripts/postgres.sh status
#   bash infra/scripts/postgres.sh halt     # stops whichever server listens on $PG_PORT, the OS cluster
#                                           # included (fault tests only: bring it back with ensure)
# Env: PG_PORT (5432), PG_DATA (infra/.data/postgres), PG_OWN_CLUSTER=1 (skip the OS cluster,
#      always use initdb/pg_ctl on PG_DATA).
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

PG_DATA="${PG_DATA:-$INFRA_DATA_DIR/postgres}"
PG_SOCKET_DIR="$INFRA_DATA_DIR/postgres-run"

wait_pg() {
  local i
  for ((i = 0; i < 300; i++)); do
    port_open "$PG_HOST" "$PG_PORT" && psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres \
      -Atqc 'select 1' >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

pg_bindir() {
  local v
  v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && echo "/usr/lib/postgresql/$v/bin"
}

# as_pg CMD... -> run as the postgres OS user when we are root (postgres refuses to run as root).
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_own_cluster() {
  local bin
  bin="$(pg_bindir)" || true
  if [ -z "$bin" ]; then
    apt_install postgresql
    # Debian's postinst may have created and started a cluster on the default port.
    if wait_port_brief; then
      log "postgres listening on $PG_HOST:$PG_PORT after install; reusing it"
      return 0
    fi
    if cluster_from_etc; then return 0; fi
    bin="$(pg_bindir)" || die "postgresql installed but initdb not found"
  fi
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  if is_root; then chown postgres:postgres "$PG_DATA" "$PG_SOCKET_DIR"; fi
  chmod 700 "$PG_DATA"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA (superuser $PG_SUPERUSER, trust auth on loopback)"
    as_pg "$bin/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || as_pg "$bin/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 >/dev/null
  fi
  log "starting postgres from $PG_DATA on $PG_HOST:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=$PG_HOST -p $PG_PORT -k $PG_SOCKET_DIR" start >/dev/null 9>&- \
    || { tail -n 30 "$PG_DATA/server.log" >&2 || true; die "postgres failed to start"; }
}

wait_port_brief() {
  local i
  for ((i = 0; i < 20; i++)); do port_open "$PG_HOST" "$PG_PORT" && return 0; sleep 0.1; done
  return 1
}

# Start an OS-managed cluster (Debian /etc/postgresql/<ver>/main) if one exists.
cluster_from_etc() {
  local v
  command -v pg_ctlcluster >/dev/null || return 1
  v="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$v" ] && [ -d "/etc/postgresql/$v/main" ] || return 1
  log "starting OS postgres cluster $v/main (pg_ctlcluster)"
  pg_ctlcluster --skip-systemctl-redirect "$v" main start 9>&- || true
  wait_pg || die "postgres cluster $v/main did not come up on $PG_HOST:$PG_PORT (check its port/listen_addresses)"
  return 0
}

cmd_ensure() {
  if port_open "$PG_HOST" "$PG_PORT"; then
    log "postgres already listening on $PG_HOST:$PG_PORT; reusing it"
  elif [ -f "$PG_DATA/PG_VERSION" ]; then
    start_own_cluster
  elif [ "${PG_OWN_CLUSTER:-0}" != 1 ] && cluster_from_etc; then
    :
  else
    start_own_cluster
  fi
  wait_pg || die "cannot connect: psql -h $PG_HOST -p $PG_PORT -U $PG_SUPERUSER (needs trust auth for $PG_SUPERUSER on $PG_HOST)"
}

cmd_stop() {
  local bin
  if [ -f "$PG_DATA/postmaster.pid" ] && bin="$(pg_bindir)"; then
    log "stopping postgres in $PG_DATA"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  else
    log "postgres on $PG_HOST:$PG_PORT was not started by infra scripts; leaving it running"
  fi
}

cmd_halt() {
  local bin found ver name
  if [ -f "$PG_DATA/postmaster.pid" ] && bin="$(pg_bindir)"; then
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    return 0
  fi
  command -v pg_lsclusters >/dev/null || die "no postgres started by infra scripts and no pg_lsclusters"
  found="$(pg_lsclusters -h | awk -v p="$PG_PORT" '$3 == p && $4 == "online" { print $1, $2; exit }')"
  [ -n "$found" ] || die "no online cluster on port $PG_PORT"
  read -r ver name <<<"$found"
  log "halting OS postgres cluster $ver/$name"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop -m fast 9>&-
}

cmd_status() {
  local v
  if v="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -Atqc 'show server_version' 2>/dev/null)"; then
    local who="machine's"
    [ -f "$PG_DATA/postmaster.pid" ] && who="infra/.data/postgres"
    log "postgres   $PG_HOST:$PG_PORT  up (PostgreSQL $v, $who)"
  else
    log "postgres   $PG_HOST:$PG_PORT  down"
    return 1
  fi
}

case "${1:-}" in
  ensure|start) cmd_ensure ;;
  stop)         cmd_stop ;;
  halt)         cmd_halt ;;
  status)       cmd_status ;;
  *) echo "usage: $0 ensure|stop|halt|status" >&2; exit 2 ;;
esac
