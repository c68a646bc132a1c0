#!/usr/bin/env bash
# Install what the test node needs on a fresh Debian bookworm machine (idempotent; root).
#
#   bash test/node/install.sh
#
# containerd + runc (CRI runtime), containernetworking-plugins (bridge, host-local,
# loopback), mmdebstrap + umoci + skopeo (local OCI images built from Debian packages),
# socat (relays the apiserver <-> kubelet TCP ports through Unix sockets across the node's
# network namespace), iproute2 + iptables. See test/kube/BUILD.md ("The node").
set -euo pipefail

pkgs=(containerd runc containernetworking-plugins mmdebstrap umoci skopeo socat iproute2 iptables)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "test/node/install.sh: all present (${pkgs[*]})" >&2
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "test/node/install.sh: need root to apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "test/node/install.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Do not let the packages start a system-wide containerd: the harness runs its own per cluster.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
mkdir -p /var/lib/cni
