#!/usr/bin/env bash
# Idempotent setup for tools/quality/gate.py (used by .ci/run).
# - Debian packages chromium and a headless Java runtime, installed only when
#   missing (apt-get update runs only when something must be installed);
# - the pinned Node tools from package-lock.json (npm ci), with no browser
#   download: Lighthouse and playwright-core drive /usr/bin/chromium.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ "${#need[@]}" -gt 0 ]; then
    echo "install.sh: apt-get install ${need[*]}"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

command -v node >/dev/null 2>&1 || { echo "install.sh: node is required (Node 20+)" >&2; exit 1; }

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1
# Skip the reinstall when node_modules already matches the lock file
# (npm keeps a copy of the installed tree in node_modules/.package-lock.json).
if node -e '
  const fs = require("fs");
  const want = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).packages;
  const have = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).packages;
  const keys = Object.keys(want).filter((k) => k !== "");
  const ok = keys.length === Object.keys(have).length &&
    keys.every((k) => have[k] && have[k].version === want[k].version && have[k].integrity === want[k].integrity);
  process.exit(ok ? 0 : 1);
' "$here/package-lock.json" "$here/node_modules/.package-lock.json" 2>/dev/null; then
    echo "install.sh: node_modules matches package-lock.json"
else
    # --ignore-scripts: the only install script (vnu-jar's) would fetch a Java
    # runtime when none is on PATH; Debian's Java is used instead.
    npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund --loglevel=error
fi

echo "install.sh: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), java $(java -version 2>&1 | head -1 | awk -F'"' '{print $2}'), node $(node --version)"
