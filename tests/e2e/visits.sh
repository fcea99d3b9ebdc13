#!/usr/bin/env bash
# No lost update through the real binaries: hello-skill and persistence-stub as separate
# processes on ephemeral ports, N (default 50) HELLO_VISIT invocations of one user sent
# at once, each by its own curl. Every visit must be counted exactly once: the answers are
# "Visit 1" ... "Visit N", each once, and the next visit is "Visit N+1" (issue #13;
# docs/persistence.md, "Versions").
#
#   tests/e2e/visits.sh HELLO_SKILL PERSISTENCE_STUB [N]
# Needs curl; exits 77 (skipped) without it.
set -euo pipefail

hello=${1:?usage: visits.sh HELLO_SKILL PERSISTENCE_STUB [N]}
stub=${2:?usage: visits.sh HELLO_SKILL PERSISTENCE_STUB [N]}
n=${3:-50}
config=$(cd "$(dirname "$0")/../.." && pwd)/config/skill.conf

command -v curl >/dev/null || { echo "SKIPPED: needs curl"; exit 77; }
# shellcheck source=../../tools/ci/lib.sh
source "$(dirname "$0")/../../tools/ci/lib.sh"

work=$(mktemp -d /tmp/visits-e2e.XXXXXX)
stub_pid="" skill_pid=""
trap 'kill $skill_pid $stub_pid 2>/dev/null || true; wait; rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; tail -20 "$work/stub.log" "$work/skill.log" >&2; exit 1; }

start_server "$work/stub.log" "$stub" --host 127.0.0.1 --port 0 --db "$work/persistence.db"
stub_pid=$SERVER_PID
HTTP_HOST=127.0.0.1 HTTP_PORT=0 SERVICE_PERSISTENCE_URL="http://127.0.0.1:$SERVER_PORT" \
    start_server "$work/skill.log" "$hello" --config "$config"
skill_pid=$SERVER_PID
port=$SERVER_PORT

anna=$("$stub" --dev-token anna hello)
body=$(printf '{"context":{"intent":"HELLO_VISIT","locale":"en","tokens":{"cvi":"%s"},"attributes":{}},"session":{"id":"s1","new":true,"attributes":{}},"spiVersion":"1.4.1"}' "$anna")
visit() {  # OUT-FILE
    curl -fsS "http://127.0.0.1:$port/v1/hello" -H 'Content-Type: application/json' -d "$body" \
        -o "$1"
}

started=$(date +%s%N)
clients=()
for i in $(seq "$n"); do
    visit "$work/answer-$i.json" &
    clients+=("$!")
done
for pid in "${clients[@]}"; do wait "$pid" || fail "a visit got no 200 answer"; done
took_ms=$(( ($(date +%s%N) - started) / 1000000 ))

got=$(for i in $(seq "$n"); do sed -n 's/.*"text":"\([^"]*\)".*/\1/p' "$work/answer-$i.json"; echo; done | sort)
want=$(for i in $(seq "$n"); do echo "Visit $i"; done | sort)
[[ $got == "$want" ]] || fail "the $n answers are not Visit 1..$n once each: $(echo "$got" | sort | uniq -c | awk '$1 != 1 || !/Visit/' | head -5 | tr '\n' ';')"
visit "$work/last.json"
last=$(sed -n 's/.*"text":"\([^"]*\)".*/\1/p' "$work/last.json")
[[ $last == "Visit $((n + 1))" ]] || fail "the visit after them says '$last', not 'Visit $((n + 1))'"
if grep -q "$anna" "$work/skill.log" "$work/stub.log"; then fail "the token was logged"; fi
# How many writes lost a race and were retried (the skill's own metrics).
conflicts=$(curl -fsS "http://127.0.0.1:$port/prometheus" |
    sed -n 's/^http_partner_request_count{.*partner="persistence".*status="conflict".*} \([0-9]*\).*/\1/p' |
    head -1)
stop_server "$skill_pid" hello-skill && skill_pid=""
stop_server "$stub_pid" persistence-stub && stub_pid=""
echo "ok: $n concurrent visits of one user counted $n ($took_ms ms, ${conflicts:-0} conflicts retried), the next one is Visit $((n + 1))"
