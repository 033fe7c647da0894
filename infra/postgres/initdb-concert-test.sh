#!/usr/bin/env bash
# docker-entrypoint-initdb.d hook (infra/docker-compose.yml): bootstrap the test database too.
# 10-bootstrap.sql (infra/postgres/bootstrap.sql) has already created `concert`.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -X -q --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v dbname=concert_test -f /docker-entrypoint-initdb.d/10-bootstrap.sql
