#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need, only those missing.
# Runs as root, or through sudo when available.
set -euo pipefail

packages=(build-essential cmake ccache lld pkg-config curl iproute2
          libboost1.81-dev libboost-json1.81-dev catch2 libsqlite3-dev
          libssl-dev ca-certificates openssl
          libpq-dev postgresql)  # libpq: the stub's PostgreSQL backend; the server: its _pg tests
packages+=("$@")  # callers may add more (e.g. wrk for benchmarks)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
