#!/usr/bin/env bash
# Soak test (docs/operations.md, "Soak"): starts persistence-stub and hello-skill
# on 127.0.0.1, runs soak_driver's mixed load against them for N seconds and
# checks correctness, 5xx, RSS growth, fd leaks and the stub's data; then stops
# the skill with SIGTERM and expects a clean exit.
#
#   tests/soak/run.sh [seconds]                  default 60
#   BUILD_DIR=build tests/soak/run.sh 15         reuse an existing build
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-60}"
build_dir="${BUILD_DIR:-build-soak}"
jobs="${JOBS:-2}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 5 ] || { echo "usage: $0 [seconds >= 5]" >&2; exit 2; }

# Small limits so that the bad-input scenarios are cheap and the read timeout bites quickly.
max_request_size=65536
read_timeout_s=2

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" -j"$jobs" --target hello-skill persistence-stub soak_driver

logs="$build_dir/soak"
rm -rf "$logs"
mkdir -p "$logs"
stub_pid=""
skill_pid=""
cleanup() {
    for pid in $skill_pid $stub_pid; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The port a child logged in its "listening" line (waits up to 20 s).
port_of() {
    local log="$1" pid="$2" port=""
    for _ in $(seq 200); do
        port="$(grep '"message":"listening"' "$log" 2>/dev/null | grep -o '"port":[0-9]*' |
                head -1 | cut -d: -f2 || true)"
        [ -n "$port" ] && { echo "$port"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "no \"listening\" line in $log:" >&2
    tail -5 "$log" >&2
    return 1
}

"$build_dir/services/persistence-stub" --port 0 --db "$logs/soak.db" \
    2>"$logs/stub.log" &
stub_pid=$!
stub_port="$(port_of "$logs/stub.log" "$stub_pid")"

# The per-invocation info lines (~250 bytes each, thousands a second) are dropped from the
# log; warnings, errors and the "listening" line are kept.
HTTP_HOST=127.0.0.1 HTTP_PORT=0 SERVICE_PERSISTENCE_URL="http://127.0.0.1:$stub_port" \
SKILL_MAX_REQUEST_SIZE=$max_request_size HTTP_READ_TIMEOUT=$read_timeout_s \
    "$build_dir/skills/hello/hello-skill" --config config/skill.conf \
    2> >(grep --line-buffered -v '"message":"invocation"' >"$logs/skill.log") &
skill_pid=$!
skill_port="$(port_of "$logs/skill.log" "$skill_pid")"
echo "soak: ${seconds}s against hello-skill :$skill_port (pid $skill_pid), stub :$stub_port"

status=0
"$build_dir/tests/soak/soak_driver" --skill-port "$skill_port" --stub-port "$stub_port" \
    --skill-pid "$skill_pid" --seconds "$seconds" --max-request-size "$max_request_size" \
    --read-timeout-ms $((read_timeout_s * 1000)) || status=$?

# A clean exit after all that: SIGTERM drains and the process returns 0.
kill -TERM "$skill_pid"
skill_rc=0
wait "$skill_pid" || skill_rc=$?
skill_pid=""
sleep 0.5  # the log filter drains what the skill wrote last
errors="$(grep -c '"level":"ERROR"' "$logs/skill.log" || true)"
printf '%-28s %-28s %-14s %s\n' "skill exit after SIGTERM" "$skill_rc" "0" \
    "$([ "$skill_rc" -eq 0 ] && echo PASS || echo FAIL)"
printf '%-28s %-28s %-14s %s\n' "error log lines (skill)" "$errors" "0" \
    "$([ "$errors" -eq 0 ] && echo PASS || echo FAIL)"
echo "logs: $logs/"
if [ "$skill_rc" -ne 0 ] || [ "$errors" -ne 0 ]; then
    grep '"level":"ERROR"' "$logs/skill.log" | head -5 >&2 || true
    status=1
fi
[ "$status" -eq 0 ] || { echo "SOAK FAILED" >&2; exit 1; }
echo "SOAK PASSED"
