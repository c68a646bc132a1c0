#!/usr/bin/env bash
# podsec plan, phase 1-observe (Observe): apply.
# Each change runs with a server-side dry-run first, then for real, in order; the script stops
# on the first error. Review the patch files before running it.
# Usage: 1-observe/apply.sh [--context NAME] [--force]
#   --context NAME  kubeconfig context, passed through to kubectl
#   --force         go on when the dry-run of an enforce label change reports violating pods
set -euo pipefail

context=()
force=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --context) [ "$#" -ge 2 ] || { echo "--context needs a value" >&2; exit 2; }; context=(--context "$2"); shift 2 ;;
    --context=*) context=(--context "${1#--context=}"); shift ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: $0 [--context NAME] [--force])" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."

kube() { kubectl ${context[@]+"${context[@]}"} "$@"; }

# dry_run GATED ARGS...: server-side dry-run; a gated step stops when existing pods would violate.
dry_run() {
  local gated="$1" out
  shift
  if ! out="$(kube "$@" --dry-run=server 2>&1)"; then
    printf '%s\n' "$out" >&2
    echo "dry-run failed: this change was not made (earlier ones were)" >&2
    exit 1
  fi
  printf '%s\n' "$out" >&2
  if [ "$gated" = 1 ] && [ "$force" != 1 ] && printf '%s' "$out" | grep -q 'violate the new PodSecurity enforce level'; then
    echo "stopping: existing pods would violate the new enforce level; fix them first or rerun with --force" >&2
    exit 1
  fi
}

# namespace batch: Pod Security labels
dry_run 0 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '1-observe/batch/namespace.yaml'
kube 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '1-observe/batch/namespace.yaml'

# namespace legacy: Pod Security labels
dry_run 0 'patch' 'namespace' 'legacy' '--type' 'merge' '--patch-file' '1-observe/legacy/namespace.yaml'
kube 'patch' 'namespace' 'legacy' '--type' 'merge' '--patch-file' '1-observe/legacy/namespace.yaml'

# namespace monitoring: Pod Security labels
dry_run 0 'patch' 'namespace' 'monitoring' '--type' 'merge' '--patch-file' '1-observe/monitoring/namespace.yaml'
kube 'patch' 'namespace' 'monitoring' '--type' 'merge' '--patch-file' '1-observe/monitoring/namespace.yaml'

# namespace payments: Pod Security labels
dry_run 0 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '1-observe/payments/namespace.yaml'
kube 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '1-observe/payments/namespace.yaml'

# namespace shop: Pod Security labels
dry_run 0 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '1-observe/shop/namespace.yaml'
kube 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '1-observe/shop/namespace.yaml'

# namespace web: Pod Security labels
dry_run 0 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '1-observe/web/namespace.yaml'
kube 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '1-observe/web/namespace.yaml'

echo "phase 1-observe: done. Exit criteria are in PLAN.md." >&2
