#!/usr/bin/env bash
# podsec plan, phase 3-enforce-baseline (Enforce baseline): rollback.
# Undoes the phase newest change first: labels go back to what they were (labels that were absent
# are removed), workload templates get their previous fields back. Server-side dry-run first;
# the script stops on the first error.
# Usage: 3-enforce-baseline/rollback.sh [--context NAME]
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
36575f26421319d8185e2b0b78856a4dd8f7cc85543313aa6ca6cb9582fee14c 3-enforce-baseline/batch/rollback/namespace.yaml
0ec22716a57556e6a56c12f18a203479b789289cc7b3172f116d9ff24524f753 3-enforce-baseline/payments/rollback/namespace.yaml
795d5e3330fdf641cf9e3e41d0241f1df37691eab31f17959888c07a5160e2f0 3-enforce-baseline/shop/rollback/namespace.yaml
47a82c465f2c631908b67d6436ef053bdfd057e3fd7bd1ceaa3514b4d4b479ca 3-enforce-baseline/web/rollback/namespace.yaml
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

# namespace web: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=3-enforce-baseline/web/rollback/namespace.yaml' '--' 'namespace/web'
kube 'patch' '--type=merge' '--patch-file=3-enforce-baseline/web/rollback/namespace.yaml' '--' 'namespace/web'

# namespace shop: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=3-enforce-baseline/shop/rollback/namespace.yaml' '--' 'namespace/shop'
kube 'patch' '--type=merge' '--patch-file=3-enforce-baseline/shop/rollback/namespace.yaml' '--' 'namespace/shop'

# namespace payments: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=3-enforce-baseline/payments/rollback/namespace.yaml' '--' 'namespace/payments'
kube 'patch' '--type=merge' '--patch-file=3-enforce-baseline/payments/rollback/namespace.yaml' '--' 'namespace/payments'

# namespace batch: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=3-enforce-baseline/batch/rollback/namespace.yaml' '--' 'namespace/batch'
kube 'patch' '--type=merge' '--patch-file=3-enforce-baseline/batch/rollback/namespace.yaml' '--' 'namespace/batch'

echo "rollback of phase 3-enforce-baseline: done" >&2
