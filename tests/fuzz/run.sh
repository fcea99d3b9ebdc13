#!/usr/bin/env bash
# Build the libFuzzer targets with clang into build-fuzz and run each for a
# bounded time (docs/operations.md, "Fuzzing"). Fails on any crash, leak,
# timeout, out-of-memory or sanitizer report; the input that caused it is kept
# in build-fuzz/artifacts/ (reproduce: build-fuzz/tests/fuzz/<target> <file>).
#
#   tests/fuzz/run.sh [seconds-per-target]      default 60
#   FUZZ_TARGETS="fuzz_config" tests/fuzz/run.sh 30
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-60}"
build_dir="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"
targets=(${FUZZ_TARGETS:-fuzz_invocation_parser fuzz_http_request fuzz_config fuzz_stub_api fuzz_bearer_token})
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seconds-per-target]" >&2; exit 2; }

# clang 16 from Debian: clang 14 cannot compile std::source_location with libstdc++ 12.
scripts/install-deps.sh clang-16 libclang-rt-16-dev
clang="$(command -v clang++-16)"

cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="$clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSKILL_FUZZ=ON -DSKILL_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}"

child=""
trap '[ -n "$child" ] && kill "$child" 2>/dev/null || true' EXIT INT TERM

export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
mkdir -p "$build_dir/artifacts"
declare -A result
failed=0
for t in "${targets[@]}"; do
    seeds="tests/fuzz/corpus/$t"
    work="$build_dir/corpus/$t"  # grows with new coverage; the seeds stay untouched
    mkdir -p "$work"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    log="$build_dir/artifacts/$t.log"
    echo "== $t: ${seconds}s (log: $log)"
    set +e
    "$build_dir/tests/fuzz/$t" "$work" "$seeds" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$t-" >"$log" 2>&1 &
    child=$!
    wait "$child"
    rc=$?
    child=""
    set -e
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    if [ "$rc" -eq 0 ]; then
        result[$t]="ok    runs=$runs"
    else
        result[$t]="FAIL  rc=$rc runs=$runs"
        failed=1
        grep -E 'ERROR|SUMMARY|invariant violated|runtime error|Test unit written' "$log" | head -20 >&2
    fi
done

echo
printf '%-26s %s\n' target result
for t in "${targets[@]}"; do printf '%-26s %s\n' "$t" "${result[$t]}"; done
[ "$failed" -eq 0 ] || { echo "fuzzing found a problem (see $build_dir/artifacts/)" >&2; exit 1; }
