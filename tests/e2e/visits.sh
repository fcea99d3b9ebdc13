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

work=$(mktemp -d /tmp/visits-e2e.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

port_of() {  # LOG: the port its process logged as listening on (10 s at most)
    local port
    for _ in $(seq 100); do
        port=$(sed -n 's/.*"message":"listening".*"port":\([0-9]*\).*/\1/p' "$1" | head -1)
        [[ -n $port ]] && { echo "$port"; return; }
        sleep 0.1
    done
    fail "nothing listening after 10 s ($1)"
}

"$stub" --host 127.0.0.1 --port 0 --db "$work/persistence.db" >"$work/stub.log" 2>&1 &
pids+=("$!")
stub_port=$(port_of "$work/stub.log")
HTTP_HOST=127.0.0.1 HTTP_PORT=0 SERVICE_PERSISTENCE_URL="http://127.0.0.1:$stub_port" \
    "$hello" --config "$config" >"$work/skill.log" 2>&1 &
pids+=("$!")
port=$(port_of "$work/skill.log")

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
echo "ok: $n concurrent visits of one user counted $n ($took_ms ms, ${conflicts:-0} conflicts retried), the next one is Visit $((n + 1))"
