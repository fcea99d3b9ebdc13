# shellcheck shell=bash
# Helpers for the CI check scripts (sourced, not run).

# start_server LOG CMD...: runs CMD in the background with stderr to LOG, waits for its JSON
# "listening" line and sets SERVER_PID and SERVER_PORT.
start_server() {
    local log=$1
    shift
    "$@" 2>"$log" &
    SERVER_PID=$!
    SERVER_PORT=""
    for _ in $(seq 100); do
        SERVER_PORT=$(grep -o '"message":"listening".*"port":[0-9]*' "$log" 2>/dev/null |
                      grep -o '[0-9]*$' | head -1 || true)
        [ -n "$SERVER_PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "did not start: $*" >&2
    cat "$log" >&2
    return 1
}

# stop_server PID NAME: SIGTERM, and the process must drain and exit 0.
stop_server() {
    local status=0
    kill -TERM "$1"
    wait "$1" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "$2 exited $status after SIGTERM (expected 0)" >&2
        return 1
    fi
}

# expect_status WANT CMD...: CMD must exit with status WANT.
expect_status() {
    local want=$1 status=0
    shift
    "$@" >/dev/null 2>&1 || status=$?
    if [ "$status" -ne "$want" ]; then
        echo "expected exit $want, got $status: $*" >&2
        return 1
    fi
}
