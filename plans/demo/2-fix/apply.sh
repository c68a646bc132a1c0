#!/usr/bin/env bash
# podsec plan, phase 2-fix (Fix workloads): apply.
# Each change runs with a server-side dry-run first, then for real, in order; the script stops
# on the first error. Review the patch files before running it.
# Usage: 2-fix/apply.sh [--context NAME] [--force] [--timeout SECONDS]
#   --context NAME     kubeconfig context, passed through to kubectl
#   --force            go on when the dry-run of an enforce label change reports violating pods
#   --timeout SECONDS  wait this long for each patched rollout (default: the plan's, 300)
set -euo pipefail

context=()
force=0
timeout=300
while [ "$#" -gt 0 ]; do
  case "$1" in
    --context) [ "$#" -ge 2 ] || { echo "--context needs a value" >&2; exit 2; }; context=(--context "$2"); shift 2 ;;
    --context=*) context=(--context "${1#--context=}"); shift ;;
    --force) force=1; shift ;;
    --timeout) [ "$#" -ge 2 ] || { echo "--timeout needs a value" >&2; exit 2; }; timeout="$2"; shift 2 ;;
    --timeout=*) timeout="${1#--timeout=}"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: $0 [--context NAME] [--force] [--timeout SECONDS])" >&2; exit 2 ;;
  esac
done
case "$timeout" in ''|*[!0-9]*) echo "--timeout takes whole seconds, got: $timeout" >&2; exit 2 ;; esac
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
31e0a9e81764e5c88f44e0827d07d5fe69853821d72a6078bb494fb557ba2fd8 2-fix/batch/cronjob-nightly-report.yaml
995362f749716f73353b05e9b8611891a1d54921b63531e2964dc9e20eec3c22 2-fix/shop/deployment-redis.yaml
d38f1cdbe3ac843a62a16810a8c840f79b1e792b05102fadcd3178dee4bdcd5f 2-fix/shop/deployment-result.yaml
7fcd247ab5ddff28163c815d67741aba97ae00c8c98750d50e79f70e6b62ccd7 2-fix/shop/deployment-vote.yaml
d571e232bb0940604bf22ec6e2d73d5fcfc254b48f2c007c63a0a8e633796a4c 2-fix/shop/deployment-worker.yaml
f391ba4c2a371a47bf8dbfdd9f3fdac639aa1d83c21b8318580db507660eb3fc 2-fix/shop/statefulset-db.yaml
d74167fcfbe16e81ecf7503feba544c353a71df138b9e631a72d80e0babb2b23 2-fix/web/deployment-maintenance-page.yaml
225db8dba745a876f3efaf63e84f2e9f7f46a88c778068fc46b76f8bab950909 2-fix/web/deployment-nginx.yaml
PODSEC_DIGESTS
  if [ "$bad" != 0 ]; then
    echo "nothing was run. Regenerate the plan with podsec plan; or review the change and use podsec apply DIR --accept-modified-plan-files" >&2
    exit 1
  fi
}
check_files

kube() { kubectl ${context[@]+"${context[@]}"} "$@"; }

# dry_run GATED VERB ARGS...: server-side dry-run; a gated step stops when existing pods would violate.
dry_run() {
  local gated="$1" out
  shift
  # --dry-run=server goes right after the verb: everything after `--` is a resource name.
  local verb="$1"
  shift
  if ! out="$(kube "$verb" --dry-run=server "$@" 2>&1)"; then
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

# rollout NAMESPACE KIND/NAME: wait for the patched rollout; stop at the first that does not complete.
rollout() {
  if ! kube rollout status "--namespace=$1" "--timeout=${timeout}s" -- "$2"; then
    echo "stopping: the rollout of $2 in namespace $1 did not complete within ${timeout}s; later steps were not run." >&2
    echo "Look at its pods (kubectl get pods --namespace=$1), then fix forward or undo this phase with 2-fix/rollback.sh" >&2
    exit 1
  fi
}

# CronJob nightly-report in namespace batch
dry_run 0 'patch' '--namespace=batch' '--type=strategic' '--patch-file=2-fix/batch/cronjob-nightly-report.yaml' '--' 'cronjob/nightly-report'
kube 'patch' '--namespace=batch' '--type=strategic' '--patch-file=2-fix/batch/cronjob-nightly-report.yaml' '--' 'cronjob/nightly-report'

# Deployment redis in namespace shop
dry_run 0 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-redis.yaml' '--' 'deployment/redis'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-redis.yaml' '--' 'deployment/redis'
rollout 'shop' 'deployment/redis'

# Deployment result in namespace shop
dry_run 0 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-result.yaml' '--' 'deployment/result'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-result.yaml' '--' 'deployment/result'
rollout 'shop' 'deployment/result'

# Deployment vote in namespace shop
dry_run 0 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-vote.yaml' '--' 'deployment/vote'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-vote.yaml' '--' 'deployment/vote'
rollout 'shop' 'deployment/vote'

# Deployment worker in namespace shop
dry_run 0 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-worker.yaml' '--' 'deployment/worker'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/deployment-worker.yaml' '--' 'deployment/worker'
rollout 'shop' 'deployment/worker'

# StatefulSet db in namespace shop
dry_run 0 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/statefulset-db.yaml' '--' 'statefulset/db'
kube 'patch' '--namespace=shop' '--type=strategic' '--patch-file=2-fix/shop/statefulset-db.yaml' '--' 'statefulset/db'
rollout 'shop' 'statefulset/db'

# Deployment maintenance-page in namespace web
dry_run 0 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/deployment-maintenance-page.yaml' '--' 'deployment/maintenance-page'
kube 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/deployment-maintenance-page.yaml' '--' 'deployment/maintenance-page'
rollout 'web' 'deployment/maintenance-page'

# Deployment nginx in namespace web
dry_run 0 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/deployment-nginx.yaml' '--' 'deployment/nginx'
kube 'patch' '--namespace=web' '--type=strategic' '--patch-file=2-fix/web/deployment-nginx.yaml' '--' 'deployment/nginx'
rollout 'web' 'deployment/nginx'

echo "phase 2-fix: done. Exit criteria are in PLAN.md." >&2
