#!/usr/bin/env bash
# Parses udev/*.rules with udev's own rule parser (`udevadm test`; udev 252 has no
# `udevadm verify`). Inside a private mount namespace the rules directory is replaced by one
# holding only our files and /etc/group gains the agent's group, so any message udev prints
# about our files is a real problem. A deliberately broken copy must be reported too, which
# shows the check can fail. Needs root (unshare -m) and udevadm (Debian package udev).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v udevadm >/dev/null || { echo "error: udevadm not found; apt-get install udev" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (needs a private mount namespace)" >&2; exit 1; }
syspath=/sys/class/net/lo
[ -e "$syspath" ] || syspath=$(ls -d /sys/class/*/* | head -1)

parse() {  # parse RULES_DIR -> udev's messages about files in it
    local dir=$1 group
    group=$(mktemp)
    cat /etc/group > "$group"
    grep -q '^packstation:' "$group" || echo 'packstation:x:64999:' >> "$group"
    unshare -m sh -c "mount --bind '$dir' /etc/udev/rules.d && mount --bind '$group' /etc/group && udevadm test --action=add '$syspath' 2>&1" \
        | grep -F '/etc/udev/rules.d/' | grep -v '^Reading rules file:' || true
    rm -f "$group"
}

rules=$(mktemp -d) broken=$(mktemp -d)
trap 'rm -rf "$rules" "$broken"' EXIT
cp udev/*.rules "$rules/"
messages=$(parse "$rules")
if [ -n "$messages" ]; then
    echo "udev rejects or warns about our rules:" >&2
    echo "$messages" >&2
    exit 1
fi
# The same file with a typo in a key and a missing quote must be reported.
sed -e '0,/ATTRS{idVendor}/s//ATRS{idVendor}/' -e '0,/GROUP="packstation"/s//GROUP="packstation/' udev/60-packstation-scanners.rules > "$broken/60-packstation-scanners.rules"
if [ -z "$(parse "$broken")" ]; then
    echo "error: udevadm test did not report a broken copy of the rules; the check cannot be trusted" >&2
    exit 1
fi
echo "udev rules OK: $(ls udev/*.rules | tr '\n' ' ')(parsed by udevadm $(udevadm --version), broken copy reported)"
