#!/usr/bin/env bash
# Build the Helm CLI from the Go module in this folder (helm.sh/helm/v4, pinned in go.mod), once
# per machine, into a cache outside the work tree. Used by `podsec plan --chart` tests.
#
#   bash test/helm/build.sh          # prints the path of the helm binary as the LAST line of stdout
#
# Cache: ${PODSEC_HELM_CACHE:-$HOME/.cache/podsec-helm}/<key>/helm, <key> = hash of go.sum, go.mod
# and the recipe below. Built into a temp dir renamed into place under flock, like test/kube/build.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

recipe=1
version=$(awk '$1=="helm.sh/helm/v4"{print $2}' go.mod | head -n1)
[[ -n $version ]] || { echo "helm/build.sh: cannot read the helm.sh/helm/v4 version from go.mod" >&2; exit 1; }
key=$( { cat go.sum go.mod; echo "recipe=$recipe"; } | sha256sum | cut -c1-16)
cache_root=${PODSEC_HELM_CACHE:-${HOME:-/tmp}/.cache/podsec-helm}
final="$cache_root/$key"

if [[ -x $final/helm ]]; then echo "$final/helm"; exit 0; fi
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock-$key"
flock -n 9 || { echo "helm/build.sh: another build of $key is running; waiting for it" >&2; flock 9; }
if [[ -x $final/helm ]]; then echo "$final/helm"; exit 0; fi

tmp=$(mktemp -d "$cache_root/.tmp-$key.XXXXXX")
start=$(date +%s)
( while sleep 30; do echo "helm/build.sh: still building helm $version: $(( $(date +%s) - start ))s elapsed" >&2; done ) &
progress=$!
trap 'kill $progress 2>/dev/null; rm -rf "$tmp"' EXIT
echo "helm/build.sh: building helm $version with $("$GO" env GOVERSION) into $final" >&2
"$GO" build -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$version" -o "$tmp/helm" helm.sh/helm/v4/cmd/helm >&2
kill $progress 2>/dev/null || true
"$tmp/helm" version --short >/dev/null
rm -rf "$final"
mv "$tmp" "$final"
trap - EXIT
echo "helm/build.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$final/helm"
