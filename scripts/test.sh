#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, builds, runs the Swift
# tests and the command-line contract checks. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_apt_packages "${RUNTIME_PACKAGES[@]}" "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_swift

start=$(date +%s)
swift build --build-tests
echo "== contract checks (schemas, CLI) =="
python3 scripts/check-contracts.py "$(swift build --show-bin-path)/packstation"
echo "== swift test =="
swift test --skip-build --parallel
echo "== real kernel devices in a QEMU guest (scripts/vm) =="
if bash scripts/vm/setup.sh; then
    PACKSTATION_BIN="$(swift build --show-bin-path)/packstation" PACKSTATION_VM_REQUIRED=1 python3 -m pytest Tests/vm -q
else
    echo "SKIPPED: the QEMU guest could not be set up (see above); the real-device tests did not run" >&2
fi
echo "test suite finished in $(( $(date +%s) - start )) s"
