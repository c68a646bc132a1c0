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
d1d58e5076f9e90b561824256cc3a1270ae5cf2278c606cc666db34ff4c04bf0 1-observe/batch/rollback/namespace.yaml
511bc00b81c3fa78dee37ac7ef63812d4580e77efdf6b60d37b062a53fbb1e32 1-observe/legacy/rollback/namespace.yaml
63cd8bba4ddf3810300480b990411526b772b1e6c1233f381d9c08c0173dd9bd 1-observe/monitoring/rollback/namespace.yaml
bd2cd65594d7fa9468eb30280ab2c3c434f001b4896da0e6c8d2afc8f82b033b 1-observe/payments/rollback/namespace.yaml
e2ea4ef790e20fa237ee7e02fe2313564dd044a39a5025fce5602315d6d32227 1-observe/shop/rollback/namespace.yaml
1a824aeb1a6693a0c8287f1b68e9e0fb0486017cff8341f76b624a794c4820db 1-observe/web/rollback/namespace.yaml
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
dry_run 'patch' '--type=merge' '--patch-file=1-observe/web/rollback/namespace.yaml' '--' 'namespace/web'
kube 'patch' '--type=merge' '--patch-file=1-observe/web/rollback/namespace.yaml' '--' 'namespace/web'

# namespace shop: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=1-observe/shop/rollback/namespace.yaml' '--' 'namespace/shop'
kube 'patch' '--type=merge' '--patch-file=1-observe/shop/rollback/namespace.yaml' '--' 'namespace/shop'

# namespace payments: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=1-observe/payments/rollback/namespace.yaml' '--' 'namespace/payments'
kube 'patch' '--type=merge' '--patch-file=1-observe/payments/rollback/namespace.yaml' '--' 'namespace/payments'

# namespace monitoring: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=1-observe/monitoring/rollback/namespace.yaml' '--' 'namespace/monitoring'
kube 'patch' '--type=merge' '--patch-file=1-observe/monitoring/rollback/namespace.yaml' '--' 'namespace/monitoring'

# namespace legacy: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=1-observe/legacy/rollback/namespace.yaml' '--' 'namespace/legacy'
kube 'patch' '--type=merge' '--patch-file=1-observe/legacy/rollback/namespace.yaml' '--' 'namespace/legacy'

# namespace batch: Pod Security labels
dry_run 'patch' '--type=merge' '--patch-file=1-observe/batch/rollback/namespace.yaml' '--' 'namespace/batch'
kube 'patch' '--type=merge' '--patch-file=1-observe/batch/rollback/namespace.yaml' '--' 'namespace/batch'

echo "rollback of phase 1-observe: done" >&2
