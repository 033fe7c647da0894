#!/bin/sh
# Loads the shared secrets (written once by `ops secrets --file`, see docker-compose.yml) into
# the environment, then runs the command. Values already set in the environment win, so an
# operator can pass real secrets instead.
set -eu
if [ -n "${SECRETS_ENV_FILE:-}" ]; then
  [ -r "$SECRETS_ENV_FILE" ] || { echo "entrypoint: $SECRETS_ENV_FILE not readable" >&2; exit 1; }
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"
    eval "current=\${$key:-}"
    # shellcheck disable=SC2154
    [ -n "$current" ] || eval "export $line"
  done < "$SECRETS_ENV_FILE"
fi
exec "$@"
