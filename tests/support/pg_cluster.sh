#!/usr/bin/env bash
# A throwaway PostgreSQL server for the stub's `_pg` tests and benchmarks, from
# Debian's `postgresql` package: `pg_cluster.sh start STATE_DIR [postgres -c options...]`
# initialises a cluster in a fresh temp directory, starts it on a unix socket
# only (no TCP) and writes its admin URI to STATE_DIR/uri; `pg_cluster.sh stop
# STATE_DIR` stops it and removes the directory. PostgreSQL refuses to run as
# root, so as root the server runs as `nobody`. Without the binaries, `start`
# says so, writes no URI (the tests then exit 77: skipped) and exits 0.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop STATE_DIR [-c name=value ...]}
state=${2:?usage: pg_cluster.sh start|stop STATE_DIR [-c name=value ...]}
shift 2
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop() {
    [ -f "$state/dir" ] || return 0
    local dir
    dir=$(cat "$state/dir")
    if [ -d "$dir/data" ]; then as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    rm -f "$state/dir" "$state/uri"
}

case $cmd in
start)
    mkdir -p "$state"
    stop
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
        echo "pg_cluster.sh: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin, apt-get install postgresql): the PostgreSQL tests will be skipped"
        exit 0
    fi
    dir=$(mktemp -d /tmp/stub-pg-XXXXXX)
    echo "$dir" >"$state/dir"
    [ "$(id -u)" = 0 ] && chown nobody "$dir"
    as_server "$bin/initdb" -D "$dir/data" -U stub --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log"; exit 1; }
    # Unix socket only, in the temp dir: nothing listens on the network.
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -c max_connections=200 $*" start >/dev/null ||
        { cat "$dir/server.log"; exit 1; }
    echo "postgresql://stub@/postgres?host=$dir" >"$state/uri"
    echo "pg_cluster.sh: PostgreSQL running at $(cat "$state/uri")"
    ;;
stop)
    stop
    ;;
*)
    echo "usage: pg_cluster.sh start|stop STATE_DIR [-c name=value ...]" >&2
    exit 2
    ;;
esac
