#!/usr/bin/env bash
# Re-take the README's screenshots from a real headless browser (Debian: apt-get install chromium).
# Usage: docs/make_screenshots.sh [DEMO_OUT]   (runs the demo first when DEMO_OUT has no outputs)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-reports/demo}"
[ -f "$out/scan/digest.html" ] || .venv/bin/procure-match demo --out "$out" --quiet
profile="$(mktemp -d)"
shoot() {  # URL PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
    --window-size="$3,$4" --screenshot="$2" "file://$(realpath "$1")" 2>/dev/null
}
shoot "$out/scan/digest.html" docs/digest.png 1100 1500
shoot "$out/ledger/ledger_report.html" docs/ledger-report.png 1250 1500
brief="$(ls "$out"/scan/briefs/*-1.html | head -n 1)"
shoot "$brief" docs/brief-phone.png 420 1400
rm -rf "$profile"
echo "wrote docs/digest.png docs/ledger-report.png docs/brief-phone.png"
