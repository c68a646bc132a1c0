#!/usr/bin/env bash
# podsec plan, phase 2-fix (Fix workloads): apply.
# Each change runs with a server-side dry-run first, then for real, in order; the script stops
# on the first error. Review the patch files before running it.
# Usage: 2-fix/apply.sh [--context NAME] [--force]
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

# CronJob nightly-report in namespace batch
dry_run 0 'patch' 'cronjob' 'nightly-report' '-n' 'batch' '--type' 'strategic' '--patch-file' '2-fix/batch/cronjob-nightly-report.yaml'
kube 'patch' 'cronjob' 'nightly-report' '-n' 'batch' '--type' 'strategic' '--patch-file' '2-fix/batch/cronjob-nightly-report.yaml'

# Deployment redis in namespace shop
dry_run 0 'patch' 'deployment' 'redis' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-redis.yaml'
kube 'patch' 'deployment' 'redis' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-redis.yaml'

# Deployment result in namespace shop
dry_run 0 'patch' 'deployment' 'result' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-result.yaml'
kube 'patch' 'deployment' 'result' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-result.yaml'

# Deployment vote in namespace shop
dry_run 0 'patch' 'deployment' 'vote' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-vote.yaml'
kube 'patch' 'deployment' 'vote' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-vote.yaml'

# Deployment worker in namespace shop
dry_run 0 'patch' 'deployment' 'worker' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-worker.yaml'
kube 'patch' 'deployment' 'worker' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/deployment-worker.yaml'

# StatefulSet db in namespace shop
dry_run 0 'patch' 'statefulset' 'db' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/statefulset-db.yaml'
kube 'patch' 'statefulset' 'db' '-n' 'shop' '--type' 'strategic' '--patch-file' '2-fix/shop/statefulset-db.yaml'

# Deployment maintenance-page in namespace web
dry_run 0 'patch' 'deployment' 'maintenance-page' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/deployment-maintenance-page.yaml'
kube 'patch' 'deployment' 'maintenance-page' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/deployment-maintenance-page.yaml'

# Deployment nginx in namespace web
dry_run 0 'patch' 'deployment' 'nginx' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/deployment-nginx.yaml'
kube 'patch' 'deployment' 'nginx' '-n' 'web' '--type' 'strategic' '--patch-file' '2-fix/web/deployment-nginx.yaml'

echo "phase 2-fix: done. Exit criteria are in PLAN.md." >&2
