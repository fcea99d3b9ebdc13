#!/usr/bin/env bash
# skill-invoke against real skills on ephemeral ports: --help, no made-up token,
# --dev-token from the local stub, and --dialogue carrying session attributes.
#
#   tests/e2e/skill_invoke.sh SKILL_INVOKE TURNS_SKILL HELLO_SKILL PERSISTENCE_STUB SKILL_CONF
set -euo pipefail
invoke=${1:?usage: skill_invoke.sh SKILL_INVOKE TURNS_SKILL HELLO_SKILL PERSISTENCE_STUB SKILL_CONF}
turns=$2 hello=$3 stub=$4 conf=$5
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/ci/lib.sh
source "$repo/tools/ci/lib.sh"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export LOG_FORMAT=json HTTP_HOST=127.0.0.1 HTTP_PORT=0

echo "== --help: usage on stdout, exit 0"
"$invoke" --help >"$work/help" || fail "--help exited $?"
grep -q -- "--dialogue" "$work/help" || fail "--help does not describe --dialogue"
expect_status 2 "$invoke" --no-such-flag

echo "== no --token: no token is sent"
start_server "$work/turns.log" "$turns"
pids+=("$SERVER_PID")
api_base=$(grep -o '"apiBase":"[^"]*"' "$work/turns.log" | head -1 | cut -d'"' -f4)
turns_pid=$SERVER_PID turns_url="http://127.0.0.1:$SERVER_PORT$api_base"
"$invoke" "$turns_url" WHO >"$work/who" 2>/dev/null || fail "WHO failed"
grep -q '"no token"' "$work/who" || fail "a token was sent without --token: $(cat "$work/who")"
"$invoke" "$turns_url" WHO --token abc >"$work/who" 2>/dev/null
grep -q '"token of 3 bytes"' "$work/who" || fail "--token not sent: $(cat "$work/who")"

echo "== --dialogue: one session, attributes carried from answer to turn"
printf 'TURN\n\n# a comment\nTURN\nNO_SUCH_INTENT\nTURN\n' |
    "$invoke" "$turns_url" --dialogue >"$work/dialogue" 2>"$work/dialogue.err" && status=0 || status=$?
[ "$status" -eq 1 ] || fail "a dialogue with an error answer exits 1, got $status"
grep -q '"turn 1 new"' "$work/dialogue" || fail "first turn: $(cat "$work/dialogue")"
grep -q '"turn 2 continued"' "$work/dialogue" || fail "second turn: $(cat "$work/dialogue")"
grep -q '"turn 3 continued"' "$work/dialogue" || fail "the error answer lost the session: $(cat "$work/dialogue")"
printf 'TURN "unterminated\n' | "$invoke" "$turns_url" --dialogue >/dev/null 2>&1 && status=0 || status=$?
[ "$status" -eq 2 ] || fail "a malformed turn line exits 2, got $status"
stop_server "$turns_pid" turns-skill

echo "== --dev-token: the seed dialogue with a token from the local stub"
start_server "$work/stub.log" "$stub" --port 0 --db "$work/persistence.db"
pids+=("$SERVER_PID")
stub_pid=$SERVER_PID
mkdir "$work/bin"  # skill-invoke finds the stub beside itself
ln -s "$invoke" "$work/bin/skill-invoke"
ln -s "$stub" "$work/bin/persistence-stub"
start_server "$work/hello.log" env SERVICE_PERSISTENCE_URL="http://127.0.0.1:$SERVER_PORT" "$hello" --config "$conf"
pids+=("$SERVER_PID")
hello_pid=$SERVER_PID hello_url="http://127.0.0.1:$SERVER_PORT/v1/hello"
printf 'HELLO_INTENT\nHELLO_INTENT_REPROMPT name=Anna\nHELLO_INTENT\n' |
    "$work/bin/skill-invoke" "$hello_url" --dialogue --dev-token anna --locale en >"$work/hello" 2>/dev/null ||
    fail "the seed dialogue failed: $(cat "$work/hello")"
[ "$(grep -c '"Hello, Anna!' "$work/hello")" -eq 2 ] || fail "not greeted twice by name: $(cat "$work/hello")"
env PATH=/nonexistent "$(readlink -f "$invoke")" "$hello_url" HELLO_INTENT --dev-token anna >/dev/null 2>&1 &&
    status=0 || status=$?
if [ ! -x "$(dirname "$(readlink -f "$invoke")")/persistence-stub" ] &&
   [ ! -x "$(dirname "$(readlink -f "$invoke")")/../services/persistence-stub" ]; then
    [ "$status" -eq 2 ] || fail "--dev-token without a stub to run exits 2, got $status"
fi
stop_server "$hello_pid" hello-skill
stop_server "$stub_pid" persistence-stub
echo "skill-invoke: all checks passed"
