#!/usr/bin/env bash
# Sets up packstation on a Debian 12 box: Debian packages, a release build, the binary in
# /usr/local/bin. Idempotent: run it again after `git pull` to upgrade.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then exec sudo -- "$0" "$@"; fi
    echo "error: install.sh installs system packages and files; run it as root." >&2
    exit 1
fi

ensure_apt_packages "${RUNTIME_PACKAGES[@]}" "${BUILD_PACKAGES[@]}"
ensure_swift

echo "building packstation (release)…"
# The Swift runtime is linked in, so the installed binary does not depend on the toolchain.
swift build -c release --product packstation --static-swift-stdlib
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/packstation"
install -s -m 0755 "$bin" /usr/local/bin/packstation.new
mv -f /usr/local/bin/packstation.new /usr/local/bin/packstation
echo "installed /usr/local/bin/packstation ($(/usr/local/bin/packstation --version))"
