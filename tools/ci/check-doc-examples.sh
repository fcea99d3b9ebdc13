#!/usr/bin/env bash
# Compile, test and run the marked examples of docs/*.md against an installed SDK, so the
# docs cannot drift from the code (markers: tools/ci/doc_examples.py).
#
#   tools/ci/check-doc-examples.sh PREFIX [WORK_DIR]
set -euo pipefail

prefix=$(cd "${1:?usage: check-doc-examples.sh PREFIX [WORK_DIR]}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)

python3 "$repo/tools/ci/doc_examples.py" "$repo/docs" "$work/src"
cmake -S "$work/src" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build" -j"${JOBS:-2}"
ctest --test-dir "$work/build" --output-on-failure --no-tests=ignore

shopt -s nullglob
for script in "$work"/src/*.sh; do
    echo "== running $(head -1 "$script" | cut -c3-)"
    scratch=$(mktemp -d "$work/run.XXXXXX")
    (cd "$scratch" && PATH="$prefix/bin:$PATH" SKILL_SDK_PREFIX="$prefix" \
        SKILL_PERSISTENCE_STUB="$prefix/bin/persistence-stub" bash -euo pipefail "$script")
done
echo "doc examples: ok"
