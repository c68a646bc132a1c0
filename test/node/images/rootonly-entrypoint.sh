#!/bin/sh
# A service that only runs as root, like many legacy images: its entrypoint hands the
# spool directory to the service account before serving. Under runAsNonRoot (any UID but
# 0) the chown fails and the container exits.
set -e
mkdir -p /srv/spool
chown -R www-data:www-data /srv/spool
echo "legacy: spool ready, serving on :8080"
exec busybox httpd -f -p 8080 -h /srv
