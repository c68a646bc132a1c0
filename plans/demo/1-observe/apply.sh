#!/usr/bin/env bash
# podsec plan, phase 1-observe (Observe): apply.
# Each change runs with a server-side dry-run first, then for real, in order; the script stops
# on the first error. Review the patch files before running it.
# Usage: 1-observe/apply.sh [--context NAME] [--force] [--timeout SECONDS]
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
f604144ec5f42d7578d8d8105276baba9c986a7943457071ae6ef95262368568 1-observe/batch/namespace.yaml
105ea6ba033be84c06c914dbf34901fe3b4b5e047b2f644335d18633abd3a0cd 1-observe/legacy/namespace.yaml
b2c29c354e74eba35905ab961f87c2bc2c962dcb3def58e4f5bdfd6ffb670bd8 1-observe/monitoring/namespace.yaml
aa5b6aa861a042a4016c6395bc37f32362578cdfa9ab83d84a6b95f06c76ced2 1-observe/payments/namespace.yaml
07147cbaa35b0cb0f3764f8c0d1236c74bf413f4caddc7636857a35a115b958d 1-observe/shop/namespace.yaml
50e66f7a7d2a3dd3451a088bec956e7f10f01a9966ca648a6a8198f78e83fe75 1-observe/web/namespace.yaml
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
    echo "Look at its pods (kubectl get pods --namespace=$1), then fix forward or undo this phase with 1-observe/rollback.sh" >&2
    exit 1
  fi
}

# namespace batch: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/batch/namespace.yaml' '--' 'namespace/batch'
kube 'patch' '--type=merge' '--patch-file=1-observe/batch/namespace.yaml' '--' 'namespace/batch'

# namespace legacy: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/legacy/namespace.yaml' '--' 'namespace/legacy'
kube 'patch' '--type=merge' '--patch-file=1-observe/legacy/namespace.yaml' '--' 'namespace/legacy'

# namespace monitoring: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/monitoring/namespace.yaml' '--' 'namespace/monitoring'
kube 'patch' '--type=merge' '--patch-file=1-observe/monitoring/namespace.yaml' '--' 'namespace/monitoring'

# namespace payments: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/payments/namespace.yaml' '--' 'namespace/payments'
kube 'patch' '--type=merge' '--patch-file=1-observe/payments/namespace.yaml' '--' 'namespace/payments'

# namespace shop: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/shop/namespace.yaml' '--' 'namespace/shop'
kube 'patch' '--type=merge' '--patch-file=1-observe/shop/namespace.yaml' '--' 'namespace/shop'

# namespace web: Pod Security labels
dry_run 0 'patch' '--type=merge' '--patch-file=1-observe/web/namespace.yaml' '--' 'namespace/web'
kube 'patch' '--type=merge' '--patch-file=1-observe/web/namespace.yaml' '--' 'namespace/web'

echo "phase 1-observe: done. Exit criteria are in PLAN.md." >&2
