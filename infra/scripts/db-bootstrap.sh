#!/usr/bin/env bash
# Bootstrap a database (roles, schemas, grants) with infra/postgres/bootstrap.sql. Idempotent.
#
#   bash infra/scripts/db-bootstrap.sh [dbname]     # default: $PGDATABASE_NAME or concert
#
# Connects as superuser $PG_SUPERUSER (postgres) to $PG_HOST:$PG_PORT (trust auth on loopback).
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

DB="${1:-${PGDATABASE_NAME:-concert}}"
[[ "$DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "invalid database name: $DB"

psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -X -q -v ON_ERROR_STOP=1 \
  -v dbname="$DB" -f "$INFRA_DIR/postgres/bootstrap.sql" >/dev/null \
  || die "bootstrap of database $DB failed"
log "database $DB bootstrapped (roles booking_svc/payment_svc/queue_svc, schemas booking/payment)"
