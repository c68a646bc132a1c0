#!/usr/bin/env bash
# podsec plan, phase 2-fix (Fix workloads): rollback.
# Undoes the phase newest change first: labels go back to what they were (labels that were absent
# are removed), workload templates get their previous fields back. Server-side dry-run first;
# the script stops on the first error.
# Usage: 2-fix/rollback.sh [--context NAME]
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

# Deployment nginx in namespace web
dry_run 'patch' 'deployment' 'nginx' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/rollback/deployment-nginx.yaml'
kube 'patch' 'deployment' 'nginx' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/rollback/deployment-nginx.yaml'

# Deployment maintenance-page in namespace web
dry_run 'patch' 'deployment' 'maintenance-page' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/rollback/deployment-maintenance-page.yaml'
kube 'patch' 'deployment' 'maintenance-page' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/rollback/deployment-maintenance-page.yaml'

# StatefulSet db in namespace shop
dry_run 'patch' 'statefulset' 'db' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/statefulset-db.yaml'
kube 'patch' 'statefulset' 'db' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/statefulset-db.yaml'

# Deployment worker in namespace shop
dry_run 'patch' 'deployment' 'worker' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-worker.yaml'
kube 'patch' 'deployment' 'worker' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-worker.yaml'

# Deployment vote in namespace shop
dry_run 'patch' 'deployment' 'vote' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-vote.yaml'
kube 'patch' 'deployment' 'vote' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-vote.yaml'

# Deployment result in namespace shop
dry_run 'patch' 'deployment' 'result' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-result.yaml'
kube 'patch' 'deployment' 'result' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-result.yaml'

# Deployment redis in namespace shop
dry_run 'patch' 'deployment' 'redis' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-redis.yaml'
kube 'patch' 'deployment' 'redis' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/rollback/deployment-redis.yaml'

# CronJob nightly-report in namespace batch
dry_run 'patch' 'cronjob' 'nightly-report' '-n' 'batch' '--type' 'strategic' '--patch-file' '2-fix/batch/rollback/cronjob-nightly-report.yaml'
kube 'patch' 'cronjob' 'nightly-report' '-n' 'batch' '--type' 'strategic' '--patch-file' '2-fix/batch/rollback/cronjob-nightly-report.yaml'

echo "rollback of phase 2-fix: done" >&2
