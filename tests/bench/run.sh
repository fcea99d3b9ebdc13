#!/usr/bin/env bash
# The benchmark suite (docs/performance.md): builds Release, starts each server on
# loopback, drives it with wrk and prints one table.
#
#   tests/bench/run.sh [--smoke]
#
# --smoke: 1 s per row, one run, no warm-up (CI: keeps the suite from rotting).
# Exits non-zero only when a server fails to start or answer, or a row saw socket
# errors or non-2xx answers; never because of a timing.
#
# Environment (defaults in brackets): BENCH_BUILD_DIR [build-release],
# BENCH_DURATION [10] and BENCH_WARMUP [3] seconds, BENCH_RUNS [3],
# BENCH_CONNECTIONS [32], BENCH_SERVER_THREADS [1], BENCH_LOG_LEVEL [info],
# BENCH_STUB_CPU [client] (the persistence rows' stub beside wrk, or "server"),
# (hello-skill's LOG_LEVEL), BENCH_BUILD_TYPE [Release], BENCH_ROWS [all: ceiling tell tell-quiet persistence
# persistence-tls persistence-ceiling persistence-http-ceiling peer peer-persistence stub stub-pg
# pg-ceiling; also: stub-pg-unpipelined],
# BENCH_MARKDOWN (also write the table there).
# stub-pg, stub-pg-unpipelined (the stub with STUB_PG_PIPELINE=off) and pg-ceiling run a throwaway
# PostgreSQL (tests/support/pg_cluster.sh; fsync and synchronous_commit on, the server's
# defaults); without its binaries they are left out. pg-ceiling measures two rows, runs
# alternating: statement by statement (pg-ceiling) and pipelined (pg-ceiling-pipelined).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$root/tests/bench
build=${BENCH_BUILD_DIR:-$root/build-release}
build_type=${BENCH_BUILD_TYPE:-Release}  # CI's smoke reuses the test build (RelWithDebInfo)
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-3}
runs=${BENCH_RUNS:-3}
connections=${BENCH_CONNECTIONS:-32}
server_threads=${BENCH_SERVER_THREADS:-1}
log_level=${BENCH_LOG_LEVEL:-info}
rows=${BENCH_ROWS:-ceiling tell tell-quiet persistence persistence-tls persistence-ceiling persistence-http-ceiling peer peer-persistence stub stub-pg pg-ceiling}
stub_cpu=${BENCH_STUB_CPU:-client}
if [[ ${1:-} == --smoke ]]; then
    duration=1 warmup=0 runs=1
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--smoke]" >&2
    exit 2
fi

say() { echo "bench: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

# ------------------------------------------------------------------ tools

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # npm ci when node_modules is missing or older than the lock file.
    local stamp=$bench/peer/node_modules/.package-lock.json
    if [[ ! -f $stamp || $bench/peer/package-lock.json -nt $stamp ]]; then
        say "npm ci (tests/bench/peer)"
        (cd "$bench/peer" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
}

build_release() {
    say "building $build_type in $build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
    # Only what the rows use: the stub rows alone need no skill.
    local targets=(persistence-stub bench-pg-ceiling)
    [[ " $rows " == *" "@(ceiling|tell|tell-quiet|persistence|persistence-tls|persistence-ceiling|persistence-http-ceiling|peer|peer-persistence)" "* ]] &&
        targets+=(hello-skill bench-ceiling)
    cmake --build "$build" --target "${targets[@]}" -j2 >/dev/null
}

# ------------------------------------------------------------------ processes

tmp=$(mktemp -d /tmp/skill-bench.XXXXXX)
pids=()

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    bash "$root/tests/support/pg_cluster.sh" stop "$tmp/pg" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Servers on the last CPU, wrk on the first, when there are two or more.
if (($(nproc) >= 2)); then
    server_cpu=$(($(nproc) - 1)) client_cpu=0
    server_pin=(taskset -c "$server_cpu") client_pin=(taskset -c "$client_cpu")
else
    server_pin=() client_pin=()
fi
wrk_pin=("${client_pin[@]}")
# The PostgreSQL rows pin nothing (start ... none, wrk_pin=(), bench-pg-ceiling as is):
# three busy parties (wrk, the stub, PostgreSQL's backend) share two cores. A pinned stub
# drew the backend onto its own core (the scheduler wakes it where its waker runs: CPU 1
# 81 % busy, CPU 0 32 %), and PostgreSQL pinned beside wrk starved; see docs/performance.md.

# A port below the ephemeral range (where client sockets' local ends live) used by no
# socket in any state.
free_port() {
    local port tries low
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    for ((tries = 0; tries < 100; tries++)); do
        port=$((10000 + RANDOM % (low > 12000 ? low - 10000 : 2000)))
        if [[ -z $(ss -Htan "sport = :$port") ]]; then
            echo "$port"
            return
        fi
    done
    fail "no free port"
}

# start NAME READY_URL COMMAND...: runs it pinned (to $pin, default the server CPU)
# in the background, sets $started.
start() {
    local name=$1 url=$2 tries
    shift 2
    local -a on=("${server_pin[@]}")
    [[ ${pin:-server} == client ]] && on=("${client_pin[@]}")
    [[ ${pin:-server} == none ]] && on=()
    "${on[@]}" "$@" >"$tmp/$name.log" 2>&1 &
    started=$!
    pids+=("$started")
    for ((tries = 0; tries < 100; tries++)); do
        kill -0 "$started" 2>/dev/null || { cat "$tmp/$name.log" >&2; fail "$name exited at start"; }
        curl -fs -o /dev/null "$url" && return
        sleep 0.1
    done
    cat "$tmp/$name.log" >&2
    fail "$name not ready at $url within 10 s"
}

stop() {
    local pid=$1 tries
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((tries = 0; tries < 100; tries++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local kept=() p  # never signal a reaped (and maybe reused) pid again
    for p in "${pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]}")
}

peak_rss_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# CPU time (user + system) in clock ticks: a server below 100 % was not the bottleneck.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
percent() { awk -v t="$1" -v hz="$hz" -v d="$duration" 'BEGIN { printf "%.0f", t * 100 / hz / d }'; }
# Busy and total jiffies of all CPUs: how much of the whole machine a run used, every
# process included (wrk, PostgreSQL's backends): 100 % means no core had any idle time left.
machine_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
machine_percent() {  # "BUSY0 TOTAL0" "BUSY1 TOTAL1"
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
        t = y[2] - x[2]; printf "%.0f", (t > 0 ? (y[1] - x[1]) * 100 / t : 0) }'
}

# check URL KIND INTENT EXPECTED: one request by hand; its answer must contain EXPECTED.
check() {
    local url=$1 kind=$2 intent=$3 expected=$4 answer
    answer=$(BENCH_KIND=$kind BENCH_INTENT=$intent BENCH_TOKENS=$tmp/tokens \
             lua_body | curl -fsS -X POST -H 'Content-Type: application/json' \
             -H "Authorization: Bearer $(head -1 "$tmp/tokens")" --data-binary @- "$url") ||
        fail "$url ($kind $intent) did not answer 2xx"
    [[ $answer == *"$expected"* ]] || fail "$url answered '$answer', expected '$expected'"
}

# The first request body invoke.lua would send, for check() (same text, built by jq).
lua_body() {
    local token
    token=$(head -1 "$BENCH_TOKENS")
    case $BENCH_KIND in
    stub) jq -cn '{data: {visits: 1, name: "bench user 1"}}' ;;
    ask) jq -cn --arg t "$token" --arg i "$BENCH_INTENT" '{version: "1.0",
            session: {new: true, sessionId: "s", application: {applicationId: "a"},
                      attributes: {}, user: {userId: "u", accessToken: $t}},
            context: {System: {application: {applicationId: "a"},
                               user: {userId: "u", accessToken: $t},
                               device: {deviceId: "d", supportedInterfaces: {}},
                               apiEndpoint: "https://api.amazonalexa.com"}},
            request: {type: "IntentRequest", requestId: "r", timestamp: "2026-11-25T10:00:00Z",
                      locale: "de-DE", intent: {name: $i, confirmationStatus: "NONE"}}}' ;;
    *) jq -cn --arg t "$token" --arg i "$BENCH_INTENT" '{context: {intent: $i,
            skillId: "hello", locale: "de", attributes: {timezone: ["Europe/Berlin"]},
            tokens: {cvi: $t}}, session: {id: "s", new: true}, spiVersion: "1.4.1"}' ;;
    esac
}

# ------------------------------------------------------------------ measuring

# wrk_once URL KIND INTENT SECONDS: prints invoke.lua's BENCH_RESULT line.
wrk_once() {
    BENCH_KIND=$2 BENCH_INTENT=$3 BENCH_TOKENS=$tmp/tokens \
        "${wrk_pin[@]}" wrk -t1 -c"$connections" -d"$4s" --timeout 5s \
        -s "$bench/invoke.lua" "$1" | grep '^BENCH_RESULT'
}

field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A result  # result[row.column]

declare -A spec  # spec[row.field]: what measure_run needs of a row
declare -A runs_of  # runs_of[row.column]: the row's figure of each run so far, in order

# measure ROW LABEL PID URL KIND INTENT [HELPER_PID]: warm-up, $runs runs, medians.
measure() {
    local i
    measure_setup "$@"
    for ((i = 0; i < runs; i++)); do measure_run "$1"; done
    measure_done "$1"
}

# measure_setup ROW LABEL PID URL KIND INTENT [HELPER_PID]: the row's warm-up; its runs
# follow (measure_run), maybe interleaved with other rows' (measure_rounds).
measure_setup() {
    local row=$1 col
    spec[$row.label]=$2 spec[$row.pid]=$3 spec[$row.url]=$4 spec[$row.kind]=$5
    spec[$row.intent]=$6 spec[$row.helper]=${7:-}
    for col in rps p50 p99 max cpu helper_cpu machine errors; do runs_of[$row.$col]=; done
    say "$2: warm-up ${warmup}s, $runs x ${duration}s"
    ((warmup > 0)) && wrk_once "$4" "$5" "$6" "$warmup" >/dev/null
    return 0
}

measure_run() {  # ROW: one run of wrk against it
    local row=$1 line t0 t1 h0 h1 m0 m1 cpu helper_cpu machine
    local pid=${spec[$row.pid]} helper=${spec[$row.helper]}
    t0=$(cpu_ticks "$pid") h0=$([[ -n $helper ]] && cpu_ticks "$helper" || echo 0)
    m0=$(machine_jiffies)
    line=$(wrk_once "${spec[$row.url]}" "${spec[$row.kind]}" "${spec[$row.intent]}" "$duration") ||
        fail "${spec[$row.label]}: wrk failed"
    m1=$(machine_jiffies)
    t1=$(cpu_ticks "$pid") h1=$([[ -n $helper ]] && cpu_ticks "$helper" || echo 0)
    machine=$(machine_percent "$m0" "$m1") cpu=$(percent $((t1 - t0)))
    helper_cpu=$(percent $((h1 - h0)))
    say "  $row: $line cpu=$cpu% stub_cpu=$helper_cpu% machine=$machine%"
    runs_of[$row.rps]+=" $(field rps "$line")"
    runs_of[$row.p50]+=" $(field p50_us "$line")"
    runs_of[$row.p99]+=" $(field p99_us "$line")"
    runs_of[$row.max]+=" $(field max_us "$line")"
    runs_of[$row.cpu]+=" $cpu" runs_of[$row.helper_cpu]+=" $helper_cpu"
    runs_of[$row.machine]+=" $machine"
    runs_of[$row.errors]+=" $(($(field socket_errors "$line") + $(field non2xx "$line")))"
}

# measure_rounds ROW...: $runs rounds, each one run of every ROW in turn, so that
# rows compared with each other see the same minutes of this VM (its speed drifts).
measure_rounds() {
    local i row
    for ((i = 0; i < runs; i++)); do
        for row in "$@"; do measure_run "$row"; done
    done
}

measure_done() {  # ROW: its medians into result[]
    local row=$1 col pid=${spec[$1.pid]} helper=${spec[$1.helper]}
    kill -0 "$pid" 2>/dev/null || fail "${spec[$row.label]}: server died under load"
    result[$row.label]=${spec[$row.label]}
    # shellcheck disable=SC2086  # one number per word
    for col in rps p50 p99 max cpu machine; do result[$row.$col]=$(median ${runs_of[$row.$col]}); done
    # shellcheck disable=SC2086
    result[$row.helper_cpu]=$([[ -n $helper ]] && median ${runs_of[$row.helper_cpu]} || echo -)
    result[$row.rss]=$(peak_rss_mb "$pid")
    result[$row.helper_rss]=$([[ -n $helper ]] && peak_rss_mb "$helper" || echo -)
    # shellcheck disable=SC2086
    result[$row.errors]=$(printf '%s\n' ${runs_of[$row.errors]} | awk '{ s += $1 } END { print s + 0 }')
}

# paired_ratio A B: the median over rounds of A's req/s / B's in the same round (rows
# measured by measure_rounds), or the ratio of medians when they were not interleaved.
paired_ratio() {
    local -a a b
    read -ra a <<<"${runs_of[$1.rps]:-}"
    read -ra b <<<"${runs_of[$2.rps]:-}"
    if [[ ${interleaved[$1]:-} == "${interleaved[$2]:-x}" ]] && ((${#a[@]} == ${#b[@]})); then
        local i r=()
        for ((i = 0; i < ${#a[@]}; i++)); do r+=("$(ratio "${a[i]}" "${b[i]}")"); done
        median "${r[@]}"
    else
        ratio "${result[$1.rps]}" "${result[$2.rps]}"
    fi
}
declare -A interleaved  # interleaved[row]: the group it was measured in, rounds shared

start_stub() {  # NAME CPU [tls]
    local port scheme=http tls=()
    port=$(free_port)
    if [[ ${3:-} == tls ]]; then
        make_pki
        scheme=https tls=(--tls-cert "$tmp/pki/cert.pem" --tls-key "$tmp/pki/key.pem")
    fi
    # The stub stands in for a platform service on another machine: where it runs is
    # BENCH_STUB_CPU (client: beside wrk, the default; server: beside the server under test).
    CURL_CA_BUNDLE="$tmp/pki/ca.pem" pin=$2 start stub "$scheme://localhost:$port/k8s/readiness" \
        env LOG_LEVEL=warning "$build/services/persistence-stub" --port "$port" \
        --db "${stub_db:-$tmp/$1.db}" "${tls[@]}"
    stub_pid=$started stub_url=$scheme://localhost:$port
    [[ $scheme == https ]] || stub_url=http://127.0.0.1:$port
}

# A throwaway CA and a certificate for localhost/127.0.0.1 (P-256), made here: no key
# material in the repository.
make_pki() {
    local d=$tmp/pki
    [[ -f $d/cert.pem ]] && return
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj /CN=bench-ca -keyout "$d/ca.key" -out "$d/ca.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$d/key.pem" -out "$d/leaf.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext"
    openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 1 -extfile "$d/ext" -out "$d/cert.pem" 2>/dev/null
}

start_hello() {  # LOG_LEVEL [PERSISTENCE_URL [CA_FILE]]  (its log: $tmp/${hello_name:-hello}.log)
    local port ca=()
    port=$(free_port)
    [[ -n ${3:-} ]] && ca=(TLS_CA_FILE="$3")
    start "${hello_name:-hello}" "http://127.0.0.1:$port/k8s/readiness" env HTTP_HOST=127.0.0.1 HTTP_PORT="$port" \
        HTTP_THREADS="$server_threads" LOG_LEVEL="$1" SERVICE_PERSISTENCE_URL="${2:-$stub_url}" \
        "${ca[@]}" "$build/skills/hello/hello-skill" --config "$root/config/skill.conf"
    hello_pid=$started hello_url=http://127.0.0.1:$port/v1/hello
}

start_peer() {
    local port
    port=$(free_port)
    start peer "http://127.0.0.1:$port/health" \
        env NODE_ENV=production node "$bench/peer/server.js" --port "$port" ${1:+--persistence "$1"}
    peer_pid=$started peer_url=http://127.0.0.1:$port/
}

# Rows measured in rounds (measure_rounds): their servers run side by side (each pinned as
# always; only the one under load is busy), and each round runs each row once, so that a
# ratio between two rows of a group pairs runs of the same minute.
#   tell: ceiling, tell, tell-quiet.
#   persistence: the get+set rows, each server with a stub of its own. persistence-ceiling
#   is the least any skill can do for the row (bench-ceiling --upstream: the GET and the
#   POST, no JSON) against the same stub; persistence-http-ceiling the same with a
#   bench-ceiling for the stub: the machine's limit for the row's three loopback HTTP
#   exchanges, no storage at all.
group_of() {  # ROW: its group, or nothing
    case $1 in
    ceiling | tell | tell-quiet) echo tell ;;
    persistence | persistence-tls | persistence-ceiling | persistence-http-ceiling | peer-persistence)
        echo persistence ;;
    esac
}

measure_group() {  # GROUP ROW...: setup_<row> for each, then rounds of all
    local group=$1 row pids=()
    shift
    for row in "$@"; do
        "setup_${row//-/_}"
        pids+=("${spec[$row.pid]}" ${spec[$row.helper]:+"${spec[$row.helper]}"})
        interleaved[$row]=$group
    done
    measure_rounds "$@"
    for row in "$@"; do measure_done "$row"; done
    for row in "${pids[@]}"; do stop "$row"; done
}

setup_ceiling() {
    local port url
    port=$(free_port)
    start ceiling "http://127.0.0.1:$port/" \
        "$build/tests/bench/bench-ceiling" --port "$port" --threads "$server_threads"
    url=http://127.0.0.1:$port/v1/hello
    check "$url" skill BENCH_TELL '"TELL"'
    measure_setup ceiling "ceiling (Beast on tcp::socket, fixed body)" "$started" "$url" \
        skill BENCH_TELL
}

setup_tell() {  # [ROW [LEVEL]]: hello-skill answering the TELL
    local row=${1:-tell} level=${2:-$log_level}
    hello_name=$row start_hello "$level" http://127.0.0.1:9
    check "$hello_url" skill BENCH_TELL '"TELL"'
    measure_setup "$row" "TELL hello-skill (LOG_LEVEL=$level)" "$hello_pid" "$hello_url" \
        skill BENCH_TELL
}

setup_tell_quiet() { setup_tell tell-quiet warning; }

setup_persistence() {
    start_stub persistence "$stub_cpu"
    start_hello "$log_level"
    check "$hello_url" skill HELLO_VISIT '"Visit '
    measure_setup persistence "persistence hello-skill get+set (LOG_LEVEL=$log_level)" \
        "$hello_pid" "$hello_url" skill HELLO_VISIT "$stub_pid"
}

setup_persistence_tls() {  # the same, the stub over https (verified, pooled, resumed)
    start_stub persistence-tls "$stub_cpu" tls
    hello_name=hello-tls start_hello "$log_level" "$stub_url" "$tmp/pki/ca.pem"
    check "$hello_url" skill HELLO_VISIT '"Visit '
    measure_setup persistence-tls "persistence hello-skill get+set, stub over https" \
        "$hello_pid" "$hello_url" skill HELLO_VISIT "$stub_pid"
}

setup_persistence_ceiling() {
    start_stub persistence-ceiling "$stub_cpu"
    start_upstream_ceiling persistence-ceiling
    measure_setup persistence-ceiling "get+set ceiling (bench-ceiling --upstream), the stub" \
        "$started" "$url" skill HELLO_VISIT "$stub_pid"
}

setup_persistence_http_ceiling() {
    local port
    port=$(free_port)
    pin=$stub_cpu start http-ceiling "http://127.0.0.1:$port/" \
        "$build/tests/bench/bench-ceiling" --port "$port"
    stub_pid=$started stub_url=http://127.0.0.1:$port
    start_upstream_ceiling persistence-http-ceiling
    measure_setup persistence-http-ceiling \
        "get+set ceiling (bench-ceiling --upstream), bench-ceiling for the stub" \
        "$started" "$url" skill HELLO_VISIT "$stub_pid"
}

start_upstream_ceiling() {  # NAME: bench-ceiling --upstream ${stub_url}'s port; sets $url
    local port
    port=$(free_port)
    start "$1" "http://127.0.0.1:$port/" "$build/tests/bench/bench-ceiling" --port "$port" \
        --threads "$server_threads" --upstream "${stub_url##*:}"
    url=http://127.0.0.1:$port/v1/hello
    check "$url" skill HELLO_VISIT '"TELL"'
}

setup_peer_persistence() {
    start_stub peer "$stub_cpu"
    start_peer "$stub_url"
    check "$peer_url" ask HELLO_VISIT 'Visit '
    measure_setup peer-persistence "peer ask-sdk get+set" "$peer_pid" "$peer_url" ask \
        HELLO_VISIT "$stub_pid"
}

row_peer() {
    start_peer ""
    check "$peer_url" ask BENCH_TELL 'Sorry, I can only say hello.'
    measure peer "peer ask-sdk plain" "$peer_pid" "$peer_url" ask BENCH_TELL
    stop "$peer_pid"
}

row_stub() {
    start_stub stub server  # here the stub is the server under test
    local url=$stub_url/v1/persistence/entry
    check "$url" stub - '"visits":1'
    measure stub "stub: durable sets, $connections clients" "$stub_pid" "$url" stub -
    stop "$stub_pid"
}

# A throwaway PostgreSQL for the stub-pg and pg-ceiling rows; false without its binaries.
pg_uri=
ensure_pg() {
    [[ -n $pg_uri ]] && return 0
    bash "$root/tests/support/pg_cluster.sh" start "$tmp/pg" >&2 || fail "PostgreSQL did not start"
    [[ -f $tmp/pg/uri ]] || { say "no PostgreSQL binaries: stub-pg and pg-ceiling left out"; return 1; }
    pg_uri=$(cat "$tmp/pg/uri")
    psql -q "$pg_uri" -c 'CREATE DATABASE stub' -c 'CREATE DATABASE ceiling' >/dev/null
}

row_stub_pg() {  # ROW: the stub row on PostgreSQL; stub-pg-unpipelined: STUB_PG_PIPELINE=off
    ensure_pg || return 0
    local row=$1 pipeline=on label="stub on PostgreSQL: durable sets, $connections clients"
    [[ $row == stub-pg ]] || pipeline=off label+=", unpipelined"
    STUB_PG_PIPELINE=$pipeline stub_db=${pg_uri/\/postgres\?/\/stub?} start_stub "$row" none
    local url=$stub_url/v1/persistence/entry
    check "$url" stub - '"visits":1'
    wrk_pin=()
    measure "$row" "$label" "$stub_pid" "$url" stub -
    wrk_pin=("${client_pin[@]}")
    stop "$stub_pid"
}

ceiling_run() {  # MODE BATCH [pipelined]: one run of bench-pg-ceiling, its sets/s (machine CPU % to a file)
    local mode=$1 batch=$2 line m0 m1
    shift 2
    m0=$(machine_jiffies)
    line=$("$build/tests/bench/bench-pg-ceiling" "${pg_uri/\/postgres\?/\/ceiling?}" \
           "$batch" "$duration" "$@") || fail "bench-pg-ceiling failed"
    m1=$(machine_jiffies)
    local machine
    machine=$(machine_percent "$m0" "$m1")
    echo "$machine" >>"$tmp/machine.$mode"
    say "  $mode: $line machine=$machine%"
    field sets_per_s "$line"
}

ceiling_row() {  # ROW LABEL MODE RPS...: a row of sets/s medians without latencies
    local row=$1 label=$2 mode=$3 col
    shift 3
    result[$row.label]=$label
    result[$row.rps]=$(median "$@")
    for col in p50 p99 max; do result[$row.$col]=0; done
    for col in cpu rss helper_cpu helper_rss; do result[$row.$col]=-; done
    # shellcheck disable=SC2046  # one number per line
    result[$row.machine]=$(median $(cat "$tmp/machine.$mode"))
    result[$row.errors]=0
}

row_pg_ceiling() {  # plain libpq upserts, batches of $connections, same server settings
    ensure_pg || return 0
    local plain=() piped=() half=() i
    say "pg-ceiling: $runs x ${duration}s, statement by statement, pipelined and pipelined in" \
        "half batches, alternating"
    for ((i = 0; i < runs; i++)); do
        plain+=("$(ceiling_run plain "$connections")")
        piped+=("$(ceiling_run pipelined "$connections" pipelined)")
        half+=("$(ceiling_run half $((connections / 2)) pipelined)")
    done
    ceiling_row pg-ceiling "libpq upsert loop (PostgreSQL ceiling), batches of $connections" \
        plain "${plain[@]}"
    ceiling_row pg-ceiling-pipelined \
        "libpq upsert pipeline (PostgreSQL ceiling), batches of $connections in one round trip" \
        pipelined "${piped[@]}"
    # What the stub's batches hold: of $connections clients each waiting for its set, the
    # half whose batch commits while the other half's is formed (docs/performance.md).
    ceiling_row pg-ceiling-half \
        "libpq upsert pipeline (PostgreSQL ceiling), batches of $((connections / 2)) in one round trip" \
        half "${half[@]}"
}

# ------------------------------------------------------------------ report

# Every row of the table, in its order (pg-ceiling measures the last three).
table_rows=(ceiling tell tell-quiet persistence persistence-tls persistence-ceiling
    persistence-http-ceiling peer peer-persistence stub stub-pg stub-pg-unpipelined pg-ceiling
    pg-ceiling-pipelined pg-ceiling-half)

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
have() { [[ -n ${result[$1.rps]:-} ]]; }

# target NAME VALUE OP LIMIT: one line of the targets table.
target() {
    local verdict
    verdict=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {
        ok = (op == ">=") ? v >= l : v <= l; print ok ? "met" : "MISSED" }')
    printf '| %s | %s | %s %s | %s |\n' "$1" "$2" "$3" "$4" "$verdict"
}

report() {
    local row
    echo "wrk 1 thread, $connections connections, ${duration}s x $runs (median), warm-up ${warmup}s;" \
        "server threads $server_threads; pinned: ${server_pin[*]:-no} / wrk ${client_pin[*]:-no}" \
        "(PostgreSQL rows: nothing pinned)" \
        "/ persistence rows' stub on the $stub_cpu CPU;" \
        "load average at start: $load_start, end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    # machine CPU %: of all $(nproc) cores together, every process counted (wrk, the stub,
    # PostgreSQL); µs/req: that CPU time per request, what a row costs the machine.
    echo "| row | req/s | p50 ms | p99 ms | max ms | server CPU % | peak RSS MB |" \
        "stub CPU % | stub RSS MB | machine CPU % | machine CPU µs/req | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for row in "${table_rows[@]}"; do
        have "$row" || continue
        printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "${result[$row.label]}" \
            "${result[$row.rps]}" "$(ms "${result[$row.p50]}")" "$(ms "${result[$row.p99]}")" \
            "$(ms "${result[$row.max]}")" "${result[$row.cpu]}" "${result[$row.rss]}" \
            "${result[$row.helper_cpu]}" "${result[$row.helper_rss]}" "${result[$row.machine]}" \
            "$(awk -v m="${result[$row.machine]}" -v r="${result[$row.rps]}" -v n="$(nproc)" \
                'BEGIN { if (r > 0) printf "%.1f", m / 100 * n * 1e6 / r; else print "-" }')" \
            "${result[$row.errors]}"
    done
    echo
    echo "| target | measured | wanted | |"
    echo "|---|---:|---:|---|"
    # Paired: the median of each round's ratio when the rows were measured in rounds.
    if have ceiling && have tell; then
        target "TELL / ceiling req/s" "$(paired_ratio tell ceiling)" ">=" 0.85
    fi
    if have tell-quiet && have ceiling; then
        target "TELL (warning logs) / ceiling req/s" "$(paired_ratio tell-quiet ceiling)" ">=" 0.85
    fi
    have tell && target "TELL p99 ms" "$(ms "${result[tell.p99]}")" "<=" 1
    if have persistence && have peer-persistence; then
        target "persistence / peer get+set req/s" "$(paired_ratio persistence peer-persistence)" \
            ">=" 10
    fi
    if have persistence-tls && have persistence; then
        target "persistence https / http get+set req/s" \
            "$(paired_ratio persistence-tls persistence)" ">=" 0.7
    fi
    # What bounds the row: the least skill with the same stub, and with no storage at all.
    local info a b label
    for info in "persistence-ceiling peer-persistence get+set ceiling (the stub) / peer" \
        "persistence persistence-ceiling persistence / get+set ceiling (the stub)" \
        "persistence-http-ceiling peer-persistence get+set ceiling (no storage) / peer"; do
        read -r a b label <<<"$info"
        have "$a" && have "$b" &&
            printf '| %s (information) | %s | - | - |\n' "$label" "$(paired_ratio "$a" "$b")"
    done
    if have tell && have peer; then
        target "TELL / peer plain req/s" "$(ratio "${result[tell.rps]}" "${result[peer.rps]}")" ">=" 10
    fi
    for row in tell tell-quiet persistence; do
        have "$row" && target "$row: skill peak RSS MB" "${result[$row.rss]}" "<=" 30
    done
    have stub && target "stub durable sets/s" "$(printf '%.0f' "${result[stub.rps]}")" ">=" 5000
    if have stub-pg && have pg-ceiling; then
        # Against the faster ceiling: the stub pipelines its batches, so the pipelined one.
        local fastest=${result[pg-ceiling.rps]}
        have pg-ceiling-pipelined && fastest=$(printf '%s\n' "$fastest" \
            "${result[pg-ceiling-pipelined.rps]}" | sort -g | tail -1)
        target "stub on PostgreSQL / fastest libpq ceiling sets/s" \
            "$(ratio "${result[stub-pg.rps]}" "$fastest")" ">=" 0.8
    fi
    if have stub-pg && have pg-ceiling-half; then
        printf '| %s | %s | %s | %s |\n' \
            "stub on PostgreSQL / pipelined ceiling at the stub's batch size (information)" \
            "$(ratio "${result[stub-pg.rps]}" "${result[pg-ceiling-half.rps]}")" "-" "-"
    fi
    return 0
}

# ------------------------------------------------------------------ main

ensure_tools
build_release
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= connections; i++)); do
    "$build/services/persistence-stub" --dev-token "bench-user-$i" hello
done >"$tmp/tokens"

stub_url=http://127.0.0.1:9
declare -A group_rows  # group_rows[group]: its rows, measured together at the first one's place
for row in $rows; do
    group=$(group_of "$row")
    [[ -n $group ]] && group_rows[$group]+=" $row"
done
for row in $rows; do
    group=$(group_of "$row")
    if [[ -n $group ]]; then
        # shellcheck disable=SC2086  # one row per word
        [[ -n ${group_rows[$group]} ]] && measure_group "$group" ${group_rows[$group]}
        group_rows[$group]=
        continue
    fi
    case $row in
    peer) row_peer ;;
    stub) row_stub ;;
    stub-pg | stub-pg-unpipelined) row_stub_pg "$row" ;;
    pg-ceiling) row_pg_ceiling ;;
    *) fail "unknown row '$row'" ;;
    esac
done

report | tee "${BENCH_MARKDOWN:-/dev/null}"
bad=0
for row in "${table_rows[@]}"; do
    if have "$row" && ((result[$row.errors] > 0)); then
        say "$row: ${result[$row.errors]} errors or non-2xx answers"
        bad=1
    fi
done
exit "$bad"
