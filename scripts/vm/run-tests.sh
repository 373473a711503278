#!/usr/bin/env bash
# The real-device tests in the QEMU guest: sets the guest up (scripts/vm/setup.sh) and runs
# Tests/vm. When the guest cannot be set up, CI=true fails the run (a green CI must mean the
# hardware paths ran); elsewhere it says SKIPPED and exits 0.
# Env: PACKSTATION_BIN (the packstation binary), PACKSTATION_VM_SETUP_CMD (default: scripts/vm/setup.sh;
# Tests/vm/test_ci_gate.py replaces it with a setup that fails).
set -euo pipefail
cd "$(dirname "$0")/../.."
setup=${PACKSTATION_VM_SETUP_CMD:-"bash scripts/vm/setup.sh"}
if $setup; then
    PACKSTATION_VM_REQUIRED=1 exec python3 -m pytest Tests/vm -q
elif [ "${CI:-}" = true ]; then
    echo "FAILED: the QEMU guest could not be set up (see above), so the real-device tests did not run; CI=true requires them" >&2
    exit 1
else
    echo "SKIPPED: the QEMU guest could not be set up (see above); the real-device tests did not run (under CI=true this fails)" >&2
fi
