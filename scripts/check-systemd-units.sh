#!/usr/bin/env bash
# Checks the systemd units with systemd's own verifier (`systemd-analyze verify`), with the
# binaries they start pointed at what exists here (the built agent; /bin/true for cage), and
# shows the check can fail: a copy with a misspelt key must be reported.
set -euo pipefail
cd "$(dirname "$0")/.."
agent="${1:?usage: check-systemd-units.sh PATH/TO/packstation}"
command -v systemd-analyze >/dev/null || { echo "error: systemd-analyze not found; apt-get install systemd" >&2; exit 1; }
dir=$(mktemp -d) broken=$(mktemp -d)
trap 'rm -rf "$dir" "$broken"' EXIT
for unit in scripts/systemd/*.service; do
    sed -e "s#/usr/local/bin/packstation#$agent#" -e 's#/usr/bin/cage#/bin/true#' "$unit" > "$dir/$(basename "$unit")"
done
out=$(cd "$dir" && systemd-analyze verify ./*.service 2>&1) || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then
    echo "systemd-analyze verify reports problems in our units:" >&2
    echo "$out" >&2
    exit 1
fi
sed -e 's/^WatchdogSec=/WatchdogSecs=/' "$dir/packstation.service" > "$broken/packstation.service"
if [ -z "$(cd "$broken" && systemd-analyze verify ./packstation.service 2>&1)" ]; then
    echo "error: systemd-analyze did not report a broken copy of the unit; the check cannot be trusted" >&2
    exit 1
fi
echo "systemd units OK: $(ls scripts/systemd/*.service | tr '\n' ' ')(systemd-analyze verify, broken copy reported)"
