#!/usr/bin/env bash
# The SDK as a package, end to end, against an installed prefix (docs/tools.md):
#  1. examples/greeter builds out of tree with find_package(SkillSdk) and passes its tests;
#  2. a project made by the scaffold (skill-new) builds and passes its test unchanged, and
#     its Dockerfile passes the same checks as docker/;
#  3. skill-invoke talks to the scaffolded skill (responses, errors, probe, exit codes);
#  4. the marked examples in docs/ compile, pass and run.
#
#   tools/ci/check-sdk-package.sh PREFIX      (PREFIX: e.g. made by docker/build.sh)
set -euo pipefail

prefix=$(cd "${1:?usage: check-sdk-package.sh PREFIX}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
# shellcheck source=tools/ci/lib.sh
source "$repo/tools/ci/lib.sh"
trap 'rm -rf "$work"' EXIT
jobs=${JOBS:-2}

echo "== examples/greeter against $prefix"
cmake -S "$repo/examples/greeter" -B "$work/greeter" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/greeter" -j"$jobs"
ctest --test-dir "$work/greeter" --output-on-failure

echo "== scaffold: skill-new demo-skill"
"$prefix/bin/skill-new" demo-skill "$work/demo-skill" --intent DEMO_INTENT
(cd "$work/demo-skill" && SKILL_SDK_PREFIX="$prefix" BUILD_DIR="$work/demo-build" \
    PREFIX="$work/demo-install" JOBS="$jobs" ./build.sh)
python3 "$repo/tools/ci/check_deploy.py" --dockerfile "$work/demo-skill/Dockerfile"
[ -s "$work/demo-build/compile_commands.json" ] || { echo "scaffold: no compile_commands.json" >&2; exit 1; }
grep -qx 'host = 127.0.0.1' "$work/demo-skill/skill.conf" || { echo "scaffold: skill.conf not on loopback" >&2; exit 1; }

echo "== skill-invoke against the scaffolded skill"
invoke="$prefix/bin/skill-invoke"
start_server "$work/demo.log" env HTTP_HOST=127.0.0.1 HTTP_PORT=0 SERVICE_PERSISTENCE_ACTIVE=false \
    "$work/demo-install/bin/demo-skill" --config "$work/demo-skill/skill.conf"
url="http://127.0.0.1:$SERVER_PORT"
out=$("$invoke" "$url/v1/demo-skill" DEMO_INTENT name=Anna --attr turn=1 2>/dev/null)
# skill-invoke's default locale is de: the scaffold's de catalog, installed to share/locale.
grep -q '"text": "Hallo, Anna!"' <<<"$out" || { echo "unexpected answer: $out" >&2; exit 1; }
out_en=$("$invoke" "$url/v1/demo-skill" DEMO_INTENT name=Anna --locale en 2>/dev/null)
grep -q '"text": "Hello, Anna!"' <<<"$out_en" || { echo "unexpected answer (en): $out_en" >&2; exit 1; }
grep -q '"turn": "1"' <<<"$out" || { echo "session attributes lost: $out" >&2; exit 1; }
expect_status 1 "$invoke" "$url/v1/demo-skill" NO_SUCH_INTENT
expect_status 0 "$invoke" --probe "$url/k8s/liveness"
expect_status 1 "$invoke" --probe "$url/no-such-path"
expect_status 2 "$invoke" "$url/v1/demo-skill"
expect_status 0 "$invoke" --help
# --dev-token runs the installed persistence-stub beside skill-invoke
expect_status 0 "$invoke" "$url/v1/demo-skill" DEMO_INTENT name=Anna --dev-token anna
stop_server "$SERVER_PID" demo-skill
expect_status 3 "$invoke" "$url/v1/demo-skill" DEMO_INTENT --timeout 2

echo "== doc examples"
JOBS=$jobs "$repo/tools/ci/check-doc-examples.sh" "$prefix" "$work/docs"

echo "check-sdk-package: ok"
