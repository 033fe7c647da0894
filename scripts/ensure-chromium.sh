#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core; nothing downloads a browser.
# Installs the `chromium` package with apt when it is missing (CI machines start without it).
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "[concert] installing Chromium for the browser tests (apt-get install chromium)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Another apt run (e.g. unattended upgrades) may hold the lock for a while: wait for it.
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "chromium is not at $CHROMIUM after install" >&2; exit 1; }
