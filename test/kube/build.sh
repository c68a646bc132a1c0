#!/usr/bin/env bash
# Build etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kubectl
# from the Go module in this folder, once per machine, into a cache outside the work tree.
# `build.sh oracle` builds the differential oracle (./oracle, test-only) from the same module
# and pins instead.
#
#   bash test/kube/build.sh          # prints the bin dir as the LAST line of stdout
#   bash test/kube/build.sh oracle   # the same for the oracle (bin/oracle)
#   bash test/kube/build.sh yardstick  # the Go loop `npm run bench` compares scan -f with (bin/yardstick)
#
# Cache: ${PODSEC_KUBE_CACHE:-$HOME/.cache/podsec-kube}/<key>/bin, where <key> is a hash of
# go.sum, go.mod and the build recipe below (for the oracle also its sources). A cached run
# returns in well under a second.
# The build goes to a temp dir that is renamed into place only when complete, under a
# lock, so an interrupted or concurrent run never leaves a half-built cache entry.
#
# Env: GO (go binary; default `go` on PATH, else /usr/local/go/bin/go), PODSEC_KUBE_CACHE,
# GOCACHE / GOMODCACHE (the usual Go caches; a cold build fills ~1 GB + a few GB).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

# Bump when the recipe (flags, package list) changes so old cache entries are not reused.
recipe=3
k8s_version=$(grep -oE '^(require)?[[:space:]]*k8s.io/kubernetes v[0-9]+\.[0-9]+\.[0-9]+' go.mod | awk '{print $NF}' | head -n1)
if [[ ! $k8s_version =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
  echo "build.sh: cannot read the k8s.io/kubernetes version from go.mod" >&2
  exit 1
fi
major=${BASH_REMATCH[1]}
minor=${BASH_REMATCH[2]}

target=${1:-kube}
case $target in
  kube)
    key=$( { cat go.sum go.mod; echo "recipe=$recipe"; } | sha256sum | cut -c1-16)
    bins=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
    # etcd's main package is the root of go.etcd.io/etcd/server/v3; go names that binary `server`.
    pkgs=(go.etcd.io/etcd/server/v3 k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl)
    what="Kubernetes $k8s_version binaries"
    ;;
  oracle)
    key=oracle-$( { cat go.sum go.mod; echo "recipe=$recipe"; cat oracle/*.go; } | sha256sum | cut -c1-16)
    bins=(oracle)
    pkgs=(./oracle)
    what="the PodSecurity oracle (k8s.io/pod-security-admission of Kubernetes $k8s_version)"
    ;;
  yardstick)
    key=yardstick-$( { cat go.sum go.mod; echo "recipe=$recipe"; cat yardstick/*.go; } | sha256sum | cut -c1-16)
    bins=(yardstick)
    pkgs=(./yardstick)
    what="the bench's Go yardstick (decode + k8s.io/pod-security-admission of Kubernetes $k8s_version)"
    ;;
  *)
    echo "build.sh: unknown target '$target' (expected: kube, oracle or yardstick)" >&2
    exit 2
    ;;
esac
cache_root=${PODSEC_KUBE_CACHE:-${HOME:-/tmp}/.cache/podsec-kube}
final="$cache_root/$key"

is_complete() {
  local b
  [[ -f "$1/bin/BUILD-INFO" ]] || return 1
  for b in "${bins[@]}"; do [[ -x "$1/bin/$b" ]] || return 1; done
}

if is_complete "$final"; then
  echo "$final/bin"
  exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock-$key"
if ! flock -n 9; then
  echo "build.sh: another build of $key is running; waiting for it" >&2
  flock 9
fi
if is_complete "$final"; then # built by the run we waited for
  echo "$final/bin"
  exit 0
fi

tmp=$(mktemp -d "$cache_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"

if ! "$GO" version >/dev/null 2>&1; then
  echo "build.sh: no Go toolchain found (set GO=/path/to/go)" >&2
  exit 1
fi
echo "build.sh: building $what with $("$GO" version | awk '{print $3}') into $final (cold build: see BUILD.md for the expected time)" >&2

vpkg=k8s.io/component-base/version
ldflags="-s -w -X $vpkg.gitVersion=$k8s_version -X $vpkg.gitMajor=$major -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"

start=$(date +%s)
# A cold build takes 10-50 minutes on a loaded 2-core machine: say what is going on every 30 s.
(
  while sleep 30; do
    echo "build.sh: still building (${bins[*]}): $(( $(date +%s) - start ))s elapsed" >&2
  done
) &
progress=$!
trap 'kill $progress 2>/dev/null; rm -rf "$tmp"' EXIT
# One `go build` for all packages so shared packages compile once.
"$GO" build -trimpath -ldflags "$ldflags" -o "$tmp/bin/" "${pkgs[@]}" >&2
kill $progress 2>/dev/null || true
if [[ $target == kube ]]; then mv "$tmp/bin/server" "$tmp/bin/etcd"; fi
end=$(date +%s)

{
  echo "kubernetes=$k8s_version"
  echo "go=$("$GO" env GOVERSION)"
  echo "key=$key"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "seconds=$((end - start))"
} >"$tmp/bin/BUILD-INFO"

if ! is_complete "$tmp"; then
  echo "build.sh: build finished but binaries are missing in $tmp/bin" >&2
  exit 1
fi
rm -rf "$final"
mv "$tmp" "$final"
trap - EXIT
kill $progress 2>/dev/null || true
echo "build.sh: built in $((end - start))s" >&2
echo "$final/bin"
