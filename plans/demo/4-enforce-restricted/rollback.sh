#!/usr/bin/env bash
# podsec plan, phase 4-enforce-restricted (Enforce restricted): rollback.
# Undoes the phase newest change first: labels go back to what they were (labels that were absent
# are removed), workload templates get their previous fields back. Server-side dry-run first;
# the script stops on the first error.
# Usage: 4-enforce-restricted/rollback.sh [--context NAME]
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
dry_run 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '4-enforce-restricted/web/rollback/namespace.yaml'
kube 'patch' 'namespace' 'web' '--type' 'merge' '--patch-file' '4-enforce-restricted/web/rollback/namespace.yaml'

# namespace shop: Pod Security labels
dry_run 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '4-enforce-restricted/shop/rollback/namespace.yaml'
kube 'patch' 'namespace' 'shop' '--type' 'merge' '--patch-file' '4-enforce-restricted/shop/rollback/namespace.yaml'

# namespace payments: Pod Security labels
dry_run 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '4-enforce-restricted/payments/rollback/namespace.yaml'
kube 'patch' 'namespace' 'payments' '--type' 'merge' '--patch-file' '4-enforce-restricted/payments/rollback/namespace.yaml'

# namespace batch: Pod Security labels
dry_run 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '4-enforce-restricted/batch/rollback/namespace.yaml'
kube 'patch' 'namespace' 'batch' '--type' 'merge' '--patch-file' '4-enforce-restricted/batch/rollback/namespace.yaml'

echo "rollback of phase 4-enforce-restricted: done" >&2
