#!/usr/bin/env bash
# podsec plan, phase 1-observe (Observe): rollback.
# Undoes the phase newest change first: labels go back to what they were (labels that were absent
# are removed), workload templates get their previous fields back. Server-side dry-run first;
# the script stops on the first error.
# Usage: 1-observe/rollback.sh [--context NAME]
set -euo pipefail

context=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --context) [ "$#" -ge 2 ] || { echo "--context needs a value" >&2; exit 2; }; context=(--context "$2"); shift 2 ;;
    --context=*) context=(--context "${1#--context=}"); shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: $0 [--context NAME])" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."

kube() { kubectl ${context[@]+"${context[@]}"} "$@"; }

dry_run() {
  local out
  if ! out="$(kube "$@" --dry-run=server 2>&1)"; then
    printf '%s\n' "$out" >&2
    echo "dry-run failed: this change was not rolled back (later ones were)" >&2
    exit 1
  fi
  printf '%s\n' "$out" >&2
}

# namespace web: Pod Security labels
dry_run 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '1-observe/web/rollback/namespace.yaml'
kube 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '1-observe/web/rollback/namespace.yaml'

# namespace shop: Pod Security labels
dry_run 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '1-observe/shop/rollback/namespace.yaml'
kube 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '1-observe/shop/rollback/namespace.yaml'

# namespace payments: Pod Security labels
dry_run 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '1-observe/payments/rollback/namespace.yaml'
kube 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '1-observe/payments/rollback/namespace.yaml'

# namespace monitoring: Pod Security labels
dry_run 'patch' 'namespace' 'monitoring' '--type' 'merge' '--patch-file' '1-observe/monitoring/rollback/namespace.yaml'
kube 'patch' 'namespace' 'monitoring' '--type' 'merge' '--patch-file' '1-observe/monitoring/rollback/namespace.yaml'

# namespace legacy: Pod Security labels
dry_run 'patch' 'namespace' 'legacy' '--type' 'merge' '--patch-file' '1-observe/legacy/rollback/namespace.yaml'
kube 'patch' 'namespace' 'legacy' '--type' 'merge' '--patch-file' '1-observe/legacy/rollback/namespace.yaml'

# namespace batch: Pod Security labels
dry_run 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '1-observe/batch/rollback/namespace.yaml'
kube 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '1-observe/batch/rollback/namespace.yaml'

echo "rollback of phase 1-observe: done" >&2
