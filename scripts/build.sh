#!/usr/bin/env bash
# Configures and builds the project into ./build (warnings are errors).
# BUILD_DIR and BUILD_TYPE may be overridden from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DSKILL_WERROR=ON \
      "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
