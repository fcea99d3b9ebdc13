#!/usr/bin/env bash
# Configure, build, run the tests and install into $PREFIX (default ./install).
# The Dockerfile's build stage runs exactly this script.
#   SKILL_SDK_PREFIX   where skill-sdk-cpp is installed, if not in a standard location
set -euo pipefail
cd "$(dirname "$0")"

prefix=${PREFIX:-$PWD/install}
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
      -DCMAKE_PREFIX_PATH="${SKILL_SDK_PREFIX:-}" -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build "$build" -j"${JOBS:-$(nproc)}"
ctest --test-dir "$build" --output-on-failure
cmake --install "$build"
