#!/usr/bin/env bash
# The build stage of docker/Dockerfile and docker/persistence-stub.Dockerfile, as a script so
# CI runs exactly the same steps on the machine (tools/ci/check-docker.sh): install the
# Debian 12 build dependencies, build in Release, install the SDK into $PREFIX.
#
#   PREFIX      install prefix (default /opt/skill-sdk)
#   BUILD_DIR   build directory (default /tmp/skill-sdk-build)
#   RUN_TESTS   1: also run ctest before installing (default 0: CI runs the tests itself)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${PREFIX:-/opt/skill-sdk}
build=${BUILD_DIR:-/tmp/skill-sdk-build}
run_tests=${RUN_TESTS:-0}

scripts/install-deps.sh
tests=OFF
[ "$run_tests" = 1 ] && tests=ON
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSKILL_WERROR=ON -DSKILL_BUILD_TESTS="$tests" \
      -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build "$build" -j"${JOBS:-$(nproc)}"
if [ "$run_tests" = 1 ]; then
    ctest --test-dir "$build" --output-on-failure
fi
cmake --install "$build"
