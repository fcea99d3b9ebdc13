#!/usr/bin/env bash
# The README's first command: install what is missing, build, then run the
# local persistence stub and hello-skill beside it until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh

build=${BUILD_DIR:-build}
state=.run                   # the stub's database lives here, across runs
mkdir -p "$state"
stub_port=${STUB_PORT:-1555}
skill_port=${HTTP_PORT:-4242}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$build/services/persistence-stub" --port "$stub_port" --db "$state/persistence.db" \
    2>>"$state/persistence-stub.log" &
pids+=($!)
SERVICE_PERSISTENCE_URL="http://127.0.0.1:$stub_port" HTTP_HOST=127.0.0.1 HTTP_PORT="$skill_port" \
    LOG_FORMAT=${LOG_FORMAT:-human} \
    "$build/skills/hello/hello-skill" --config config/skill.conf &
pids+=($!)

for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$skill_port/k8s/readiness" >/dev/null 2>&1 && break
    sleep 0.1
done

token=$("$build/services/persistence-stub" --dev-token anna hello)
invoke() {  # intent, attributes
    printf "curl -s -X POST http://127.0.0.1:%s/v1/hello -H 'Content-Type: application/json' -d '%s'\n" \
        "$skill_port" \
        "{\"context\":{\"intent\":\"$1\",\"locale\":\"en\",\"tokens\":{\"cvi\":\"$token\"},\"attributes\":$2},\"session\":{\"id\":\"s-1\"}}"
}
cat <<MSG

hello-skill   http://127.0.0.1:$skill_port/v1/hello  (persistence stub on :$stub_port, data in $state/)
Try the dialogue (the name survives restarts of both processes):

$(invoke HELLO_INTENT '{}')

$(invoke HELLO_INTENT_REPROMPT '{"name":["Anna"]}')

Press Ctrl-C to stop.
MSG
wait
