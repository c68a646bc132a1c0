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

# check_files: every file this script passes to kubectl must be a regular file (not a symlink)
# with the SHA-256 that podsec plan recorded; otherwise nothing is run.
check_files() {
  local sum want path got bad=0
  if command -v sha256sum >/dev/null 2>&1; then sum=(sha256sum); elif command -v shasum >/dev/null 2>&1; then sum=(shasum -a 256); else
    echo "neither sha256sum nor shasum is installed: cannot check the plan files; nothing was run" >&2; exit 1
  fi
  while read -r want path; do
    [ -n "$path" ] || continue
    if [ -L "$path" ] || [ ! -f "$path" ]; then echo "refusing: $path is missing, a symlink, or not a regular file" >&2; bad=1; continue; fi
    got="$("${sum[@]}" < "$path")"; got="${got%% *}"
    if [ "$got" != "$want" ]; then echo "refusing: $path changed since the plan was made (sha256 $got; the plan recorded $want)" >&2; bad=1; fi
  done <<'PODSEC_DIGESTS'
3cacc5aa976470b085712fe92090024f8d72ba84e6715ffb7546ac86479d781a 2-fix/batch/rollback/cronjob-nightly-report.yaml
e2c4f004e164787966f0205272e81f87ed7253a550b3e9aa848d503ba9200732 2-fix/shop/rollback/deployment-redis.yaml
a563bb25220abe5aabe82aa4fbab8957fb0f532b666fd8c384f9ab060698c66e 2-fix/shop/rollback/deployment-result.yaml
684f090c9570208b123e62704c905f496cb3dc07777b8b44ff1f9cc5d0b2245e 2-fix/shop/rollback/deployment-vote.yaml
9dbceeca51e954ce335fe5d607bc30ede2354d92d368dc27cdbd595565c63d40 2-fix/shop/rollback/deployment-worker.yaml
66be550640219fe58f0006713f89d594ed662e8877c4f8e39a1e56f270d278b2 2-fix/shop/rollback/statefulset-db.yaml
6384cb18158901c3bf3f8da1c7844070cd95eeb9599fe99e26f287bffecf7884 2-fix/web/rollback/deployment-maintenance-page.yaml
33005f84dc4a14a1af96e3dbbbff447b13e13702733e3f61697abdba3e5529d3 2-fix/web/rollback/deployment-nginx.yaml
PODSEC_DIGESTS
  if [ "$bad" != 0 ]; then
    echo "nothing was run. podsec rollback DIR restores the recorded state from its journal without these files" >&2
    exit 1
  fi
}
check_files

kube() { kubectl ${context[@]+"${context[@]}"} "$@"; }

# dry_run VERB ARGS...: server-side dry-run (--dry-run=server right after the verb: everything
# after `--` is a resource name).
dry_run() {
  local out verb="$1"
  shift
  if ! out="$(kube "$verb" --dry-run=server "$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    echo "dry-run failed: this change was not rolled back (later ones were)" >&2
    exit 1
  fi
  printf '%s\n' "$out" >&2
}

# Deployment nginx in namespace web
dry_run 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/rollback/deployment-nginx.yaml' '--' 'deployment/nginx'
kube 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/rollback/deployment-nginx.yaml' '--' 'deployment/nginx'

# Deployment maintenance-page in namespace web
dry_run 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/rollback/deployment-maintenance-page.yaml' '--' 'deployment/maintenance-page'
kube 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/rollback/deployment-maintenance-page.yaml' '--' 'deployment/maintenance-page'

# StatefulSet db in namespace shop
dry_run 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/statefulset-db.yaml' '--' 'statefulset/db'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/statefulset-db.yaml' '--' 'statefulset/db'

# Deployment worker in namespace shop
dry_run 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-worker.yaml' '--' 'deployment/worker'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-worker.yaml' '--' 'deployment/worker'

# Deployment vote in namespace shop
dry_run 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-vote.yaml' '--' 'deployment/vote'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-vote.yaml' '--' 'deployment/vote'

# Deployment result in namespace shop
dry_run 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-result.yaml' '--' 'deployment/result'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-result.yaml' '--' 'deployment/result'

# Deployment redis in namespace shop
dry_run 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-redis.yaml' '--' 'deployment/redis'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/rollback/deployment-redis.yaml' '--' 'deployment/redis'

# CronJob nightly-report in namespace batch
dry_run 'patch' '--namespace=batch' '--type=strategic' '--patch-file=2-fix/batch/rollback/cronjob-nightly-report.yaml' '--' 'cronjob/nightly-report'
kube 'patch' '--namespace=batch' '--type=strategic' '--patch-file=2-fix/batch/rollback/cronjob-nightly-report.yaml' '--' 'cronjob/nightly-report'

echo "rollback of phase 2-fix: done" >&2
