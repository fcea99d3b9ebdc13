#!/usr/bin/env bash
# Create a new skill project that builds against the installed SDK and passes its test
# unchanged (installed as `skill-new`; docs/tools.md).
#
#   new-skill.sh NAME [DIRECTORY] [--intent INTENT]
#
# NAME: lower case letters, digits and '-' (it names the executable, the CMake targets and
# the default API path /v1/NAME). DIRECTORY defaults to ./NAME and must not exist yet.
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") NAME [DIRECTORY] [--intent INTENT]" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
templates=""
for candidate in "$here/templates/skill" "$here/../share/skill-sdk/templates/skill"; do
    if [ -d "$candidate" ]; then templates=$candidate; break; fi
done
[ -n "$templates" ] || { echo "skill templates not found beside $0" >&2; exit 1; }

name="" dir="" intent="HELLO_INTENT"
while [ $# -gt 0 ]; do
    case $1 in
        --intent) [ $# -ge 2 ] || usage; intent=$2; shift 2 ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) if [ -z "$name" ]; then name=$1; elif [ -z "$dir" ]; then dir=$1; else usage; fi; shift ;;
    esac
done
[ -n "$name" ] || usage
[[ $name =~ ^[a-z][a-z0-9-]*$ ]] || { echo "NAME must match [a-z][a-z0-9-]*: $name" >&2; exit 2; }
[[ $intent =~ ^[A-Z][A-Z0-9_]*$ ]] || { echo "INTENT must match [A-Z][A-Z0-9_]*: $intent" >&2; exit 2; }
dir=${dir:-$name}
[ ! -e "$dir" ] || { echo "$dir already exists" >&2; exit 1; }

mkdir -p "$dir"
cp -R "$templates/." "$dir/"
# Substitute the placeholders in every file (names are validated above: no sed metacharacters).
find "$dir" -type f -exec sed -i -e "s/__SKILL__/$name/g" -e "s/__INTENT__/$intent/g" {} +
chmod +x "$dir/build.sh"
echo "created $dir: cd $dir && ./build.sh"
