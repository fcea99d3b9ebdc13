#!/usr/bin/env bash
# docker/ checked with what the machine has (no Docker engine, no cluster):
#  1. lint: shellcheck (scripts), yamllint (compose, k8s), check_deploy.py (Dockerfile rules,
#     k8s field schema and cross-references, compose wiring);
#  2. the Dockerfiles' build steps: docker/build.sh run on this machine into PREFIX, and
#     every file the runtime stages copy must come out of it;
#  3. the containers' run steps without containers: the stub and hello-skill started as their
#     ENTRYPOINTs with the images' environment, the HEALTHCHECK command, the seed dialogue,
#     the k8s ConfigMap's skill.conf with the Secret's key, and SIGTERM -> drain -> exit 0.
#
#   tools/ci/check-docker.sh PREFIX     (PREFIX is created; reuse it for check-sdk-package.sh)
#   SKIP_BUILD=1 tools/ci/check-docker.sh PREFIX   (PREFIX already built)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
prefix=${1:?usage: check-docker.sh PREFIX}
work=$(mktemp -d)
# shellcheck source=tools/ci/lib.sh
source tools/ci/lib.sh
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "== lint"
scripts/install-deps.sh shellcheck yamllint python3-yaml
shellcheck -x docker/*.sh tools/*.sh tools/ci/*.sh tools/templates/skill/build.sh
yamllint --strict -c tools/ci/yamllint.yaml docker/

echo "== docker/build.sh (the Dockerfiles' build stage) -> $prefix"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    PREFIX="$prefix" BUILD_DIR="${BUILD_DIR:-$work/build}" JOBS="${JOBS:-2}" docker/build.sh
fi
prefix=$(cd "$prefix" && pwd)
python3 tools/ci/check_deploy.py "$repo" --prefix "$prefix"
python3 tools/ci/test_check_deploy.py "$repo"   # each rule fails on a file that breaks it

echo "== run steps: persistence-stub and hello-skill as their images start them"
# docker/persistence-stub.Dockerfile's ENTRYPOINT, with port 0 and the volume in $work.
start_server "$work/stub.log" "$prefix/bin/persistence-stub" --host 127.0.0.1 --port 0 \
    --db "$work/data/persistence.db"
stub_pid=$SERVER_PID stub_port=$SERVER_PORT
pids+=("$stub_pid")
expect_status 0 "$prefix/bin/skill-invoke" --probe "http://127.0.0.1:$stub_port/k8s/liveness"
# docker/Dockerfile's ENV and ENTRYPOINT (compose.yaml adds SERVICE_PERSISTENCE_URL).
start_server "$work/skill.log" env SKILL_CONF="$repo/config/skill.conf" HTTP_HOST=127.0.0.1 \
    HTTP_PORT=0 SERVICE_PERSISTENCE_URL="http://127.0.0.1:$stub_port" "$prefix/bin/hello-skill"
skill_pid=$SERVER_PID
pids+=("$skill_pid")
url="http://127.0.0.1:$SERVER_PORT"
expect_status 0 "$prefix/bin/skill-invoke" --probe "$url/k8s/liveness"   # the HEALTHCHECK
token=$("$prefix/bin/persistence-stub" --dev-token anna hello)
"$prefix/bin/skill-invoke" "$url/v1/hello" HELLO_INTENT_REPROMPT name=Anna --token "$token" \
    --locale en >/dev/null 2>&1
answer=$("$prefix/bin/skill-invoke" "$url/v1/hello" HELLO_INTENT --token "$token" 2>/dev/null)
# skill-invoke's default locale is de: the installed catalogs (share/locale) answer German.
grep -q "Hallo, Anna!" <<<"$answer" || { echo "seed dialogue failed (de catalog): $answer" >&2; exit 1; }
answer=$("$prefix/bin/skill-invoke" "$url/v1/hello" HELLO_INTENT --token "$token" --locale en 2>/dev/null)
grep -q "Hello, Anna!" <<<"$answer" || { echo "seed dialogue failed (en catalog): $answer" >&2; exit 1; }
stop_server "$skill_pid" hello-skill
stop_server "$stub_pid" persistence-stub

echo "== the k8s ConfigMap's skill.conf, with the Secret's API key"
python3 - "$work/k8s-skill.conf" <<'PY'
import sys, yaml
doc = yaml.safe_load(open("docker/k8s/configmap.yaml"))
open(sys.argv[1], "w").write(doc["data"]["skill.conf"])
PY
key=$(python3 -c 'import yaml; print(next(d for d in yaml.safe_load_all(open("docker/k8s/secret.yaml"))
    if d["metadata"]["name"] == "hello-skill-api-key")["stringData"]["api-key"])')
start_server "$work/k8s.log" env SKILL_CONF="$work/k8s-skill.conf" SKILL_API_KEY="$key" \
    HTTP_HOST=127.0.0.1 HTTP_PORT=0 SERVICE_PERSISTENCE_URL=http://127.0.0.1:1 \
    "$prefix/bin/hello-skill"
k8s_pid=$SERVER_PID
pids+=("$k8s_pid")
url="http://127.0.0.1:$SERVER_PORT"
expect_status 0 "$prefix/bin/skill-invoke" --probe "$url/k8s/readiness"
expect_status 1 "$prefix/bin/skill-invoke" "$url/v1/hello" FALLBACK_INTENT             # no key
expect_status 0 "$prefix/bin/skill-invoke" "$url/v1/hello" FALLBACK_INTENT --api-key "$key"
stop_server "$k8s_pid" hello-skill

echo "check-docker: ok"
