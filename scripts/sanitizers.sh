#!/usr/bin/env bash
# Runs the label tests (the compiled ZPL fast path among them) and the scanner tests under
# AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in its own scratch path
# (docs/fuzzing.md).
#
#   scripts/sanitizers.sh [address|thread ...]      (default: address thread)
#
# The tests are built from SanitizerTesting/, a package whose test targets are symlinks to
# Tests/LabelsTests and Tests/ScannerInputTests, so a sanitized build compiles only what those
# two import. Each sanitizer's build and run together are bounded by SANITIZER_TIMEOUT seconds
# (default 600). Fails on any sanitizer report, failed test or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_swift

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
limit=${SANITIZER_TIMEOUT:-600}
failed=()
for s in "${sanitizers[@]}"; do
    case "$s" in address | thread) ;; *) echo "usage: scripts/sanitizers.sh [address|thread ...]" >&2; exit 2 ;; esac
    scratch=${SANITIZER_SCRATCH:-$PWD/.build-sanitize}-$s
    log=$scratch/sanitizer.log
    mkdir -p "$scratch"
    echo "== LabelsTests and ScannerInputTests under -sanitize=$s (scratch $scratch, at most $limit s) =="
    start=$(date +%s)
    status=0
    # Swift Testing only: XCTest's own runner leaks a few objects at exit, which LeakSanitizer
    # would report against every run; these targets have no XCTest cases.
    # halt_on_error: the first report fails the run with its stack, rather than a summary at exit.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} \
        LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/FuzzTesting/lsan.supp:print_suppressions=0} SWIFT_BACKTRACE=enable=no \
        timeout --kill-after=30 "$limit" \
        swift test --package-path SanitizerTesting --scratch-path "$scratch" --sanitize="$s" --disable-xctest \
        >"$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    tests=$(grep -oE 'Test run with [0-9]+ tests?' "$log" | tail -1 || true)
    if [ "$status" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer' "$log"; then
        echo "$s: passed in $elapsed s (${tests:-no test count})"
    else
        [ "$status" -eq 124 ] && echo "$s: timed out after $limit s" >&2
        echo "$s: FAILED (exit $status) after $elapsed s; the report:" >&2
        grep -nE -A40 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer' "$log" | head -120 >&2 || true
        grep -E '✘|error:' "$log" | head -40 >&2 || true
        tail -20 "$log" >&2
        failed+=("$s")
    fi
done
[ ${#failed[@]} -eq 0 ] || { echo "error: sanitizer runs failed: ${failed[*]} (logs: ${SANITIZER_SCRATCH:-$PWD/.build-sanitize}-*/sanitizer.log)" >&2; exit 1; }
