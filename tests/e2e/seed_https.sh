#!/usr/bin/env bash
# The seed's persistence configuration, verbatim (../shared/docs/persistence-service.md):
#
#   [service-persistence]
#   url = https://api.voiceui.telekom.net/svh/services/persistence/
#
# walked through the greeting dialogue with the real binaries, across a restart of the
# skill. The platform host is stood in for by the local persistence stub on 127.0.0.1:443
# with a certificate for that name from a throwaway CA (made here, given to the skill as
# TLS_CA_FILE); the name reaches it through /etc/hosts in a private mount namespace, so
# the machine's own /etc/hosts is untouched. Then the same dialogue against stubs that
# present an expired certificate and one of an unknown CA: each refused with its reason.
#
#   tests/e2e/seed_https.sh HELLO_SKILL PERSISTENCE_STUB
# Needs root (port 443, unshare -m), openssl and curl; exits 77 (skipped) without them.
set -euo pipefail

hello=${1:?usage: seed_https.sh HELLO_SKILL PERSISTENCE_STUB}
stub=${2:?usage: seed_https.sh HELLO_SKILL PERSISTENCE_STUB}
host=api.voiceui.telekom.net

skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) == 0 ]] || skip "needs root (port 443, a private mount namespace)"
for tool in unshare openssl curl ss; do
    command -v "$tool" >/dev/null || skip "needs $tool"
done
[[ -z $(ss -Hltn 'sport = :443' 2>/dev/null) ]] || skip "port 443 is taken on this machine"

if [[ ${SEED_HTTPS_INSIDE:-} != 1 ]]; then
    exec unshare --mount --propagation private env SEED_HTTPS_INSIDE=1 bash "$0" "$@"
fi

# --- inside the private mount namespace ------------------------------------------------
work=$(mktemp -d /tmp/seed-https.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

{ cat /etc/hosts; echo "127.0.0.1 $host"; } >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

# A CA, and leaves for the platform's name: valid, expired, and from a CA nobody trusts.
ca() {  # NAME
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=$1" -keyout "$work/$1.key" -out "$work/$1.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
}
leaf() {  # NAME CA [openssl-x509 validity flags...]
    local name=$1 issuer=$2
    shift 2
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
        -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\n' "$host" >"$work/$name.ext"
    openssl x509 -req -in "$work/$name.csr" -CA "$work/$issuer.pem" -CAkey "$work/$issuer.key" \
        -CAcreateserial -extfile "$work/$name.ext" -out "$work/$name.pem" "$@" 2>/dev/null
}
ca trusted-ca
ca rogue-ca
leaf valid trusted-ca -days 1
leaf rogue rogue-ca -days 1
leaf expired trusted-ca -days -1  # not after: a day ago

secret=seed-https-secret
wait_ready() {  # WHAT CURL-ARGS... (10 s at most)
    local what=$1
    shift
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$@" && return
        sleep 0.1
    done
    fail "$what not ready"
}
start_stub() {  # CERT
    "$stub" --host 127.0.0.1 --port 443 --db "$work/persistence.db" --jwt-secret "$secret" \
        --base-path /svh/services/persistence/v1 \
        --tls-cert "$work/$1.pem" --tls-key "$work/$1.key" >"$work/stub-$1.log" 2>&1 &
    stub_pid=$!
    pids+=("$stub_pid")
    # -k: only "is it up"; whether the certificate is trusted is the skill's to decide.
    wait_ready "stub with $1 certificate" -k "https://$host/k8s/readiness"
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# The seed's section verbatim; everything else the skill's defaults.
cat >"$work/skill.conf" <<'CONF'
[skill]
name = hello

[http]
host = 127.0.0.1
port = 0

[service-persistence]
url = https://api.voiceui.telekom.net/svh/services/persistence/
CONF

port=
for _ in $(seq 100); do  # a free port below the ephemeral range
    candidate=$((20000 + RANDOM % 10000))
    [[ -z $(ss -Htan "sport = :$candidate") ]] && port=$candidate && break
done
[[ -n $port ]] || fail "no free port"
start_skill() {
    HTTP_PORT=$port TLS_CA_FILE="$work/trusted-ca.pem" LOG_FORMAT=json \
        "$hello" --config "$work/skill.conf" >"$work/skill.log" 2>&1 &
    skill_pid=$!
    pids+=("$skill_pid")
    wait_ready hello-skill "http://127.0.0.1:$port/k8s/readiness"
}

anna=$("$stub" --dev-token anna hello --jwt-secret "$secret")
say() {  # INTENT [ATTRIBUTES] -> the answer's text
    local body
    body=$(printf '{"context":{"intent":"%s","locale":"en","tokens":{"cvi":"%s"},"attributes":%s},"session":{"id":"s1","new":true,"attributes":{}},"spiVersion":"1.4.1"}' \
        "$1" "$anna" "${2:-{\}}")
    curl -fsS "http://127.0.0.1:$port/v1/hello" -H 'Content-Type: application/json' -d "$body" |
        sed -n 's/.*"text":"\([^"]*\)".*/\1/p'
}
expect() {  # WANT GOT
    [[ $2 == "$1" ]] || fail "expected '$1', got '$2'"
    echo "ok: $1"
}

start_stub valid
start_skill
expect "Oh, we haven't met yet. What's your name?" "$(say HELLO_INTENT)"
expect "Hello, Anna! It's awesome today!" "$(say HELLO_INTENT_REPROMPT '{"name":["Anna"]}')"
expect "Hello, Anna! It's awesome today!" "$(say HELLO_INTENT)"
stop "$skill_pid"
start_skill  # across a restart: the name comes back from the service over https
expect "Hello, Anna! It's awesome today!" "$(say HELLO_INTENT)"
stop "$skill_pid"
stop "$stub_pid"

apology="Sorry, I can't do that right now. Please try again later."
refused() {  # CERT REASON
    start_stub "$1"
    start_skill
    expect "$apology" "$(say HELLO_INTENT)"
    grep -q "\"error\":\"tls\"" "$work/skill.log" || fail "$1: no tls error logged"
    grep -q "$host:443" "$work/skill.log" || fail "$1: the log does not name the host"
    grep -q "$2" "$work/skill.log" || fail "$1: the log does not say '$2'"
    if grep -q "$anna" "$work/skill.log"; then fail "$1: the token was logged"; fi
    echo "ok: $1 certificate refused: $2"
    stop "$skill_pid"
    stop "$stub_pid"
}
refused expired "certificate has expired"
refused rogue "unable to get local issuer certificate"
echo "seed https dialogue: 6 passed, 0 failed"
