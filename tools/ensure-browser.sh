#!/usr/bin/env bash
# Makes sure Debian's chromium and the CJK fonts are present for the browser tests.
# playwright-core downloads no browser here, so the system package is the browser; without
# fonts-noto-cjk every Chinese character renders as an empty box in screenshots.
set -euo pipefail

has_fonts() {
  if command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi 'Noto Sans CJK'; then
    return 0
  fi
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'
}

if command -v chromium >/dev/null 2>&1 && has_fonts; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium fonts-noto-cjk
  exit 0
fi

echo "Browser tests need chromium and CJK fonts: run 'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk'" >&2
exit 1
