#!/usr/bin/env bash
# docker/ run for real with podman (no Docker engine or registry on these machines; see
# docs/deployment.md "How CI runs the containers"):
#  1. installs podman, runc, debootstrap, podman-compose and the CNI DNS plugin (apt, as root);
#  2. makes the Debian 12 base image with debootstrap (the rootfs tarball is cached in
#     CACHE_DIR, the image stays in podman's storage) under the names the Dockerfiles use;
#  3. builds skill-sdk-cpp:dev (the sdk stage, compiled once), hello-skill, persistence-stub
#     (its sdk stage comes from the layer cache) and skill-postgres;
#  4. podman-compose up of docker/compose.yaml: PostgreSQL, two stub replicas, hello-skill;
#  5. the seed dialogue through the skill, then the greeting through each replica alone
#     (the other one stopped), so both must read the one database;
#  6. a restart: every container stopped (the skill and the stubs must drain and exit 0),
#     removed, and created again on the same volume: the skill still greets by name;
#  7. tears everything down (also on failure, after printing the containers' logs).
#
#   tools/ci/run-containers.sh            (root, or sudo)
#   KEEP=1 tools/ci/run-containers.sh     (leave the stack up; with CONTAINERS_CONF=
#       $CACHE_DIR/containers.conf, `podman-compose -p skill-sdk-ci -f docker/compose.yaml
#       down -v` ends it)
#   CACHE_DIR   the base image's tarball and containers.conf (default
#               /var/cache/skill-sdk-containers)
#   DEBIAN_MIRROR  debootstrap's mirror (default: the one apt uses)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "run-containers: needs root (podman, debootstrap)" >&2; exit 1; }
    exec sudo --preserve-env=CACHE_DIR,DEBIAN_MIRROR,KEEP,PERSISTENCE_STUB_DB "$0" "$@"
fi

project="skill-sdk-ci"
compose_file=docker/compose.yaml
cache=${CACHE_DIR:-/var/cache/skill-sdk-containers}
work=$(mktemp -d)
started=$(date +%s)
mark=$started
phase() {  # phase NAME: prints the time the previous phase took, then NAME
    local now
    now=$(date +%s)
    printf '   (%ss)\n== %s\n' "$((now - mark))" "$1"
    mark=$now
}

echo "== install: podman runc debootstrap podman-compose"
scripts/install-deps.sh podman runc debootstrap podman-compose containernetworking-plugins iptables \
    golang-github-containernetworking-plugin-dnsname dnsmasq-base

# What these machines need (cgroups v1, a hard file-descriptor limit; docs/deployment.md):
# no default ulimits, cgroupfs instead of systemd, runc. Everything below reads it.
mkdir -p "$cache"
cat >"$cache/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
EOF
export CONTAINERS_CONF="$cache/containers.conf"
# The stack's password for this run only: it is never printed, and the volume goes at the end.
POSTGRES_PASSWORD=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
export POSTGRES_PASSWORD
compose=(podman-compose -p "$project" -f "$compose_file")

# podman without systemd says so on every start and stop of a container with a health check
# ("unable to get systemd connection ... healthchecks"): drop that line, keep the rest.
quiet() { "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
containers() { podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'; }
# remove_containers TIMEOUT: the project's containers with their anonymous volumes (the stub
# image's /data): podman-compose down removes neither those nor, in 1.0.3, the network.
remove_containers() {
    local names
    mapfile -t names < <(containers)
    [ ${#names[@]} -eq 0 ] || quiet podman rm -f -v -t "$1" "${names[@]}" >/dev/null
}
cleanup() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        # podman-compose echoes its podman commands, the password among them: blanked.
        echo "--- podman-compose (last 20 lines)" >&2
        tail -20 "$work/compose.log" 2>/dev/null | sed "s/$POSTGRES_PASSWORD/<password>/g" >&2 || true
        for name in $(containers); do
            echo "--- podman logs $name (last 40 lines)" >&2
            podman logs --tail 40 "$name" >&2 2>&1 || true
        done
    fi
    if [ "${KEEP:-0}" != 1 ]; then
        remove_containers 5
        "${compose[@]}" down -v -t 5 >/dev/null 2>&1 || true
        podman network rm -f "${project}_default" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    echo "run-containers: $([ "$status" -eq 0 ] && echo ok || echo FAILED) in $(($(date +%s) - started))s"
}
trap cleanup EXIT
# A previous run that was killed may have left its stack: start from nothing.
remove_containers 5
"${compose[@]}" down -v -t 5 >/dev/null 2>&1 || true

phase "base image debian:12 (debootstrap --variant=minbase)"
if ! podman image exists localhost/debian:12; then
    tarball="$cache/debian-12-minbase.tar"
    if [ ! -s "$tarball" ]; then
        # The mirror apt uses (one-line or deb822 sources; not the security archive).
        mirror=${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security |
            grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)}
        mirror=${mirror:-http://deb.debian.org/debian}
        echo "debootstrap from $mirror"
        debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" ||
            { tail -20 "$work/debootstrap.log" >&2; exit 1; }
        # The apt lists and caches debootstrap leaves are 20+ MB the images do not need.
        rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
        tar -C "$work/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
        rm -rf "$work/rootfs"
    fi
    podman import --quiet "$tarball" localhost/debian:12 >/dev/null
fi
# The Dockerfiles say debian:12 and debian:12-slim; the minbase root stands in for both.
podman tag localhost/debian:12 docker.io/library/debian:12 docker.io/library/debian:12-slim

phase "images"
build() {  # build DOCKERFILE TAG [ARGS...]
    local file=$1 tag=$2
    shift 2
    # --format docker keeps HEALTHCHECK (OCI images have no such field); --network=host: the
    # build's apt-get reaches the mirror that way here. Only the build's tail on success.
    podman build --format docker --network=host --pull=never --ignorefile "$file.dockerignore" \
        -f "$file" -t "$tag" "$@" . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
    echo "$tag: $(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
}
build docker/Dockerfile skill-sdk-cpp:dev --target sdk   # the one compile of the project
build docker/Dockerfile hello-skill:0.1.0
build docker/persistence-stub.Dockerfile persistence-stub:0.1.0
build docker/postgres.Dockerfile skill-postgres:15

# wait_healthy NAME: the image's own HEALTHCHECK, run until it passes (podman runs health
# checks from systemd timers, which these machines do not have, so they are run here).
wait_healthy() {
    for _ in $(seq 60); do
        podman healthcheck run "$1" >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "$1 did not become healthy" >&2
    return 1
}
skill=${project}_hello-skill_1
stub1=${project}_persistence-stub_1
stub2=${project}_persistence-stub_2
pg=${project}_postgres_1
# up: PostgreSQL first and healthy (podman-compose orders by depends_on but does not wait for
# a condition), then the stub replicas, then the skill.
up() {
    "${compose[@]}" up -d --no-build postgres >>"$work/compose.log" 2>&1
    wait_healthy "$pg"
    "${compose[@]}" up -d --no-build --no-deps persistence-stub >>"$work/compose.log" 2>&1
    wait_healthy "$stub1"
    wait_healthy "$stub2"
    # The port is published on an ephemeral host port: CI talks to the skill from inside.
    HELLO_SKILL_PORT=127.0.0.1: "${compose[@]}" up -d --no-build --no-deps hello-skill \
        >>"$work/compose.log" 2>&1
    wait_healthy "$skill"
    # compose's port mapping: the published port answers on the host too.
    local port
    port=$(podman port "$skill" 4242/tcp | head -1)
    curl -fsS -o /dev/null "http://$port/k8s/liveness" || { echo "published $port: no answer" >&2; return 1; }
}
# invoke INTENT [ARGS...]: skill-invoke in the skill's container, on its own port, in English
# (the skill's default language is German: the first of its [skill] locales).
invoke() {
    local intent=$1
    shift
    podman exec "$skill" skill-invoke http://127.0.0.1:4242/v1/hello "$intent" --token "$token" \
        --locale en "$@" 2>&1
}
# expect TEXT INTENT [ARGS...]: the answer must contain TEXT (a few tries: a stub replica that
# just stopped may still be in the skill's pool or in DNS for a moment).
expect() {
    local text=$1 answer=""
    shift
    for _ in 1 2 3 4 5; do
        answer=$(invoke "$@") && grep -qF "$text" <<<"$answer" && return 0
        sleep 1
    done
    echo "expected '$text' from $*, got: $answer" >&2
    return 1
}
# stop NAME: SIGTERM; the process must drain and exit 0 within the grace period.
stop() {
    quiet podman stop -t 40 "$1" >/dev/null
    local code
    code=$(podman inspect --format '{{.State.ExitCode}}' "$1")
    [ "$code" = 0 ] || { echo "$1 exited $code after SIGTERM (expected 0)" >&2; return 1; }
}

# A stub built without the PostgreSQL mode (before `--db postgresql://`) cannot share one
# database between replicas: then each replica would have its own SQLite file, so the run
# keeps replica 2 stopped, skips the steps that need a shared database, and says so.
shared=1
if ! podman run --rm --entrypoint persistence-stub persistence-stub:0.1.0 --help 2>&1 |
        grep -qi postgres; then
    shared=0
    export PERSISTENCE_STUB_DB=/data/persistence.db
    echo "WARNING: this persistence-stub has no PostgreSQL mode: SQLite, one replica" >&2
fi

phase "up: postgres, persistence-stub x2, hello-skill"
up
[ "$shared" = 1 ] || stop "$stub2"
token=$(podman exec "$stub1" persistence-stub --dev-token anna hello)

phase "seed dialogue"
expect "What's your name" HELLO_INTENT
expect "Hello, Anna!" HELLO_INTENT_REPROMPT name=Anna
expect "Hello, Anna!" HELLO_INTENT

if [ "$shared" = 1 ]; then
    phase "each replica alone"
    stop "$stub2"
    expect "Hello, Anna!" HELLO_INTENT              # through replica 1 only
    quiet podman start "$stub2" >/dev/null && wait_healthy "$stub2"
    stop "$stub1"
    expect "Hello, Anna!" HELLO_INTENT              # through replica 2 only
    quiet podman start "$stub1" >/dev/null && wait_healthy "$stub1"
fi

phase "restart: stop and start the skill, the stub replicas and PostgreSQL"
stop "$skill"
stop "$stub1"
[ "$shared" = 0 ] || stop "$stub2"
quiet podman stop -t 40 "$pg" >/dev/null
quiet podman start "$pg" >/dev/null && wait_healthy "$pg"
for stub in "$stub1" "$stub2"; do
    [ "$shared" = 0 ] && [ "$stub" = "$stub2" ] && continue
    quiet podman start "$stub" >/dev/null && wait_healthy "$stub"
done
quiet podman start "$skill" >/dev/null && wait_healthy "$skill"
expect "Hello, Anna!" HELLO_INTENT

if [ "$shared" = 1 ]; then
    phase "new containers on the same volume"
    remove_containers 40                                  # the named volume stays
    up
    expect "Hello, Anna!" HELLO_INTENT
fi

phase "done"
