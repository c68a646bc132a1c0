#!/usr/bin/env bash
# Build the test node's OCI images from Debian packages, once per machine, into a cache
# outside the work tree (like test/kube/build.sh).
#
#   bash test/node/images.sh     # prints the image archive path as the LAST line of stdout
#
# Kept small (~N MB: no LLVM JIT, no perl library, no docs/locales) because every node start
# unpacks it. One Debian bookworm root filesystem (mmdebstrap --variant=essential plus the packages
# below) is one shared layer; each image is that layer plus its own config (entrypoint,
# command, workdir), written as a docker-archive with all images in one tar, which the
# harness imports with `ctr -n k8s.io images import`. Images (all tagged :1):
#   podsec.local/pause      sandbox image (busybox sleep)
#   podsec.local/vote       gunicorn WSGI app (images/vote.py), like the voting app's vote
#   podsec.local/nginx      Debian nginx-light: binds :80, writes /var/lib/nginx and /run
#   podsec.local/redis      Debian redis-server, data in /data
#   podsec.local/postgres   PostgreSQL 15; needs its data dir owned by its UID (uid 999)
#   podsec.local/rootonly   an entrypoint that chowns its spool dir: only runs as root
#   podsec.local/busybox    busybox
# Cache: ${PODSEC_IMAGE_CACHE:-$HOME/.cache/podsec-images}/<key>/images.tar, <key> = hash
# of this script and images/*. Needs root, mmdebstrap, access to Debian's package mirror.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
key=$(cat "$here/images.sh" "$here"/images/* | sha256sum | cut -c1-16)
cache_root=${PODSEC_IMAGE_CACHE:-${HOME:-/tmp}/.cache/podsec-images}
final="$cache_root/$key"
if [[ -s $final/images.tar ]]; then echo "$final/images.tar"; exit 0; fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock-$key"
if ! flock -n 9; then
  echo "images.sh: another build of $key is running; waiting for it" >&2
  flock 9
fi
if [[ -s $final/images.tar ]]; then echo "$final/images.tar"; exit 0; fi

tmp=$(mktemp -d "$cache_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "images.sh: building the node's images into $final (mmdebstrap, ~2 min cold)" >&2

rootfs="$tmp/rootfs"
# uid/gid 999 for postgres, fixed before the package's postinst would pick a free one.
mmdebstrap --variant=essential --mode=root --quiet \
  --include=busybox,python3-minimal,gunicorn,nginx-light,redis-server,postgresql-15 \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libLLVM*' --dpkgopt='path-exclude=/usr/lib/postgresql/*/lib/bitcode/*' \
  --dpkgopt='path-exclude=/usr/lib/postgresql/*/lib/llvmjit*' --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/libz3*' \
  --essential-hook='echo "postgres:x:999:999:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/sh" >>"$1/etc/passwd"; echo "postgres:x:999:" >>"$1/etc/group"; echo "postgres:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/lib/postgresql/15 "$1"/etc/postgresql/15 "$1"/var/log/*.log "$1"/usr/share/i18n "$1"/usr/share/perl "$1"/usr/lib/x86_64-linux-gnu/perl "$1"/usr/share/perl5 "$1"/usr/lib/python3/dist-packages/setuptools "$1"/usr/share/postgresql/15/man' \
  --customize-hook="mkdir -p \"\$1/app\" \"\$1/srv\" \"\$1/data\" \"\$1/var/lib/postgresql/data\" && cp '$here/images/vote.py' \"\$1/app/app.py\" && cp '$here/images/postgres-entrypoint.sh' \"\$1/usr/local/bin/postgres-entrypoint\" && cp '$here/images/rootonly-entrypoint.sh' \"\$1/usr/local/bin/rootonly-entrypoint\" && chmod 755 \"\$1\"/usr/local/bin/* && echo legacy >\"\$1/srv/index.html\" && chown 999:999 \"\$1/var/lib/postgresql/data\" && ln -sf /dev/stdout \"\$1/var/log/nginx/access.log\" && ln -sf /dev/stderr \"\$1/var/log/nginx/error.log\"" \
  bookworm "$rootfs" 'deb http://deb.debian.org/debian bookworm main' 'deb http://deb.debian.org/debian-security bookworm-security main' >&2

# The layer: the whole rootfs, deterministic order, numeric owners.
out="$tmp/archive"
mkdir -p "$out/layer"
tar --sort=name --numeric-owner --xattrs --mtime=@0 -C "$rootfs" -cf "$out/layer/layer.tar" .
rm -rf "$rootfs"
diff_id=$(sha256sum "$out/layer/layer.tar" | cut -d' ' -f1)

path_env='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'
manifest=()
image() { # name workdir user entrypoint-json cmd-json [extra-env-json-items]
  local name=$1 workdir=$2 user=$3 entrypoint=$4 cmd=$5 env=${6:-}
  local cfg="{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\",\"config\":{\"Env\":[$path_env${env:+,$env}],\"Entrypoint\":$entrypoint,\"Cmd\":$cmd,\"WorkingDir\":\"$workdir\",\"User\":\"$user\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]}}"
  local id
  id=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
  printf '%s' "$cfg" >"$out/$id.json"
  manifest+=("{\"Config\":\"$id.json\",\"RepoTags\":[\"podsec.local/$name:1\"],\"Layers\":[\"layer/layer.tar\"]}")
}
image pause / "" '["/bin/busybox","sleep","2147483647"]' 'null'
image vote /app "" 'null' '["gunicorn","app:app","-b","0.0.0.0:80","--log-file","-","--access-logfile","-","--workers","2"]'
image nginx / "" 'null' '["nginx","-g","daemon off;"]'
image redis /data "" 'null' '["redis-server","--dir","/data","--protected-mode","no"]'
image postgres / "" '["/usr/local/bin/postgres-entrypoint"]' 'null' '"PGDATA=/var/lib/postgresql/data/pgdata"'
image rootonly / "" '["/usr/local/bin/rootonly-entrypoint"]' 'null'
image busybox / "" 'null' '["sh"]'
( IFS=,; printf '[%s]' "${manifest[*]}" >"$out/manifest.json" )
tar -C "$out" -cf "$tmp/images.tar" manifest.json layer $(cd "$out" && ls *.json | grep -v manifest.json)
rm -rf "$out"
end=$(date +%s)
echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$((end - start)) layer=sha256:$diff_id" >"$tmp/BUILD-INFO"
rm -rf "$final"
mv "$tmp" "$final"
trap - EXIT
echo "images.sh: built in $((end - start))s ($(du -h "$final/images.tar" | cut -f1))" >&2
echo "$final/images.tar"
