#!/usr/bin/env bash
# Installs what the tests need beyond the services: Debian's chromium (the /ops page test drives it headless).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then echo "[test-tools] chromium present"; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
echo "[test-tools] installing chromium from Debian packages"
apt-get install -y --no-install-recommends chromium >/tmp/install-test-tools.log 2>&1 \
  || { apt-get update >>/tmp/install-test-tools.log 2>&1 && apt-get install -y --no-install-recommends chromium >>/tmp/install-test-tools.log 2>&1; } \
  || { echo "[test-tools] apt-get failed, see /tmp/install-test-tools.log" >&2; exit 1; }
