#!/usr/bin/env bash
# Installs the Debian packages the full test suite drives for real: chromium (browser tests),
# redis-server (distributed crawling), wget (WARC interoperability). Does nothing when present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v wget >/dev/null 2>&1 || need+=(wget)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-system-deps: need root or sudo to install: ${need[*]} (or run 'make test-fast')" >&2
  exit 1
fi
echo "install-system-deps: installing ${need[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
