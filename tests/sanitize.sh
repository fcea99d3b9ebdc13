#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (docs/operations.md, "Sanitizers"). Any report fails the test that caused it:
# UB aborts (-fno-sanitize-recover), ASan and LeakSanitizer exit non-zero.
#
#   tests/sanitize.sh            configure + build build-asan, run ctest
#   BUILD_DIR=... JOBS=... tests/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${BUILD_DIR:-build-asan}"
jobs="${JOBS:-2}"
suppressions="$PWD/tests/sanitizer/lsan.supp"

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSKILL_SANITIZE=address,undefined -DSKILL_WERROR=ON >/dev/null
cmake --build "$build_dir" -j"$jobs"

# The children the integration tests start (hello-skill, persistence-stub) inherit these.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_init_order=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=0:${LSAN_OPTIONS:-}"
ctest --test-dir "$build_dir" -j"$jobs" --output-on-failure
