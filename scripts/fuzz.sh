#!/usr/bin/env bash
# Builds the libFuzzer targets of FuzzTesting/ (with AddressSanitizer and LeakSanitizer) and runs
# each for a bounded time, starting from its committed seed corpus (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 45: with two targets at a time on two cores the eight targets
# take about 3 minutes after the build. Fails on any crash, failed check, leak, timeout (an input
# taking over 10 s) or out-of-memory (over 2 GiB); the input that did it is kept in
# FuzzTesting/artifacts/ and printed in base64, so it survives a CI workspace being thrown away.
# New inputs found are kept in FuzzTesting/.build/corpus/TARGET for the next local run (not committed).
#
# Environment: FUZZ_SCRATCH (build directory, default FuzzTesting/.build), FUZZ_PARALLEL
# (targets run at once, default the number of cores), FUZZ_CONFIGURATION (debug or release,
# default debug: it builds in less time, and the targets still run thousands of inputs a second),
# FUZZ_BUILD_TIMEOUT (seconds the build may take, default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_swift

all_targets=(FuzzOrderJSON FuzzStationTOML FuzzCSVImport FuzzBarcode FuzzScanDecoder FuzzCarrierZPL FuzzResultBatch FuzzZPLDocument)
seconds=${1:-45}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]; targets: ${all_targets[*]}" >&2; exit 2; }
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "error: no fuzz target $t; targets: ${all_targets[*]}" >&2; exit 2; }
done

scratch=${FUZZ_SCRATCH:-$PWD/FuzzTesting/.build}
configuration=${FUZZ_CONFIGURATION:-debug}
parallel=${FUZZ_PARALLEL:-$(nproc)}
build_limit=${FUZZ_BUILD_TIMEOUT:-1800}
artifacts=$PWD/FuzzTesting/artifacts
logs=$scratch/logs
mkdir -p "$artifacts" "$logs"

echo "== building ${#targets[@]} fuzz target(s) ($configuration, -sanitize=fuzzer,address) in $scratch =="
build_start=$(date +%s)
# One -sanitize= flag with both: given as two flags (swift build --sanitize=fuzzer
# --sanitize=address) the Swift driver keeps only the last, in an order that changes between
# runs, so a build lost either the coverage or AddressSanitizer (and rebuilt everything).
# C dependencies (BoringSSL, libllhttp) are built as usual: what is fuzzed is our Swift code.
sanitize=(-Xswiftc -sanitize=fuzzer,address)
timeout --kill-after=30 "$build_limit" \
    swift build --package-path FuzzTesting --scratch-path "$scratch" -c "$configuration" "${sanitize[@]}" 2>&1 \
    | { grep -v "ld.gold: warning: Cannot export local symbol '__asan" || true; }
build_status=${PIPESTATUS[0]}
[ "$build_status" -ne 124 ] || { echo "error: the fuzz build took over $build_limit s (FUZZ_BUILD_TIMEOUT)" >&2; exit 1; }
[ "$build_status" -eq 0 ] || { echo "error: the fuzz targets did not build" >&2; exit 1; }
bin=$(swift build --package-path FuzzTesting --scratch-path "$scratch" -c "$configuration" "${sanitize[@]}" --show-bin-path)
# No Swift backtracer: after a trap it reads memory ASan then reports as a second crash.
fuzz_env=(SWIFT_BACKTRACE=enable=no "ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}"
    "LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/FuzzTesting/lsan.supp:print_suppressions=0}")
# A build without coverage would fuzz blind and pass, one without ASan would miss overflows: refuse both.
# (The output is kept whole before grep: with pipefail, grep -q closing the pipe early fails the check.)
for t in "${targets[@]}"; do
    replay=$(env "${fuzz_env[@]}" timeout 120 "$bin/$t" -runs=0 -artifact_prefix="$artifacts/$t-" "FuzzTesting/Corpus/$t" 2>&1 || true)
    if grep -qE 'deadly signal|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' <<<"$replay"; then
        echo "error: a committed seed of $t fails (FuzzTesting/Corpus/$t); its output:" >&2; echo "$replay" | grep -v '^    #' | tail -30 >&2; exit 1
    fi
    grep -q 'INITED cov: [1-9]' <<<"$replay" \
        || { echo "error: $bin/$t reports no coverage; was it built with -sanitize=fuzzer? Its output:" >&2; echo "$replay" | tail -20 >&2; exit 1; }
done
find "$bin/PackCore.build" -name '*.o' -exec nm {} + 2>/dev/null | grep -c __asan_report >/dev/null \
    || { echo "error: the Swift code is not built with AddressSanitizer" >&2; exit 1; }
echo "build took $(( $(date +%s) - build_start )) s"

# Runs one target; its summary line goes to $logs/TARGET.summary.
run_target() {
    local t=$1 work=$scratch/corpus/$1 seeds=FuzzTesting/Corpus/$1 log=$logs/$1.log
    mkdir -p "$work"
    echo "$t FAILED: no summary written" >"$logs/$t.summary"
    local before_units before_bytes
    before_units=$(find "$seeds" "$work" -type f | wc -l)
    before_bytes=$(find "$seeds" "$work" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    local dict=() status=0
    [ -f "FuzzTesting/Dictionaries/$t.dict" ] && dict=(-dict="FuzzTesting/Dictionaries/$t.dict")
    # The first directory receives new inputs; the committed seeds are only read.
    # timeout: -max_total_time is checked between inputs, and -timeout=10 needs a working
    # signal handler; a process that outlives both by two minutes is killed.
    env "${fuzz_env[@]}" timeout --kill-after=10 $((seconds + 120)) "$bin/$t" "$work" "$seeds" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" >"$log" 2>&1 || status=$?
    local execs rate units bytes
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -1)
    # libFuzzer's last status line: "#N ... corp: UNITS/SIZE ..." (sizes like 12Kb or 3Mb).
    read -r units bytes < <(grep -o 'corp: [0-9]*/[0-9]*[bKM]*' "$log" | tail -1 | sed -E 's/corp: ([0-9]+)\/(.*)/\1 \2/' || true)
    local result=ok
    if [ "$status" -ne 0 ]; then
        result="FAILED (exit $status)"
        { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } && result="FAILED: still running $((seconds + 120)) s after it started"
        grep -qE 'ERROR: libFuzzer: timeout|ALARM: working on the last Unit' "$log" && result="FAILED: timeout"
        grep -qE 'out-of-memory|malloc limit' "$log" && result="FAILED: out of memory"
        grep -q 'ERROR: LeakSanitizer' "$log" && result="FAILED: leak"
        grep -qE 'ERROR: AddressSanitizer|deadly signal|Fatal error|Precondition failed' "$log" && result="FAILED: crash"
    fi
    printf '%-16s %5ss %10s execs %8s/s  corpus %4s files %7s B -> %5s units %6s  %s\n' \
        "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$before_units" "$before_bytes" "${units:-?}" "${bytes:-?}" "$result" >"$logs/$t.summary"
    [ "$status" -eq 0 ]
}

echo "== fuzzing ${#targets[@]} target(s) for ${seconds} s each, $parallel at a time =="
run_start=$(date +%s)
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
    run_target "$t" &
done
wait || true
failed=()
for t in "${targets[@]}"; do grep -q FAILED "$logs/$t.summary" && failed+=("$t"); done

echo "== results (corpus: committed seeds + kept inputs before, libFuzzer's corpus after) =="
for t in "${targets[@]}"; do cat "$logs/$t.summary"; done
echo "fuzzing took $(( $(date +%s) - run_start )) s"
if [ ${#failed[@]} -gt 0 ]; then
    for t in "${failed[@]}"; do
        echo "== $t failed; the end of its log ($logs/$t.log) =="
        tail -40 "$logs/$t.log"
        for f in "$artifacts/$t-"*; do
            [ -f "$f" ] || continue
            echo "kept input: $f ($(stat -c %s "$f") bytes), base64:"
            base64 -w 0 "$f" | head -c 20000
            echo
            echo "reproduce: $bin/$t $f"
        done
    done
    echo "error: fuzzing failed for: ${failed[*]}; turn each kept input into a regression test in the owning target's tests (docs/fuzzing.md)" >&2
    exit 1
fi
