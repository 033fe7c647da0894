#!/usr/bin/env bash
# Quick start, command 1: infrastructure + the four services + an admin and a demo concert.
# Ctrl-C stops the services (the infrastructure keeps running; `npm run infra:down` stops Kafka).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
ensure_infra
say "building services"
npx nx run-many -t build --output-style=static
exec npx tsx tools/platform/start.ts "$@"
