#!/bin/sh
# Like the official postgres image's entrypoint: started as root it makes the data dir its
# own and drops to the postgres user; started as any other UID it needs PGDATA's parent
# writable and creates PGDATA owned by that UID (PostgreSQL refuses a data dir owned by
# anyone else, and refuses to run as root).
set -e
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
export PGDATA
bin=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /run/postgresql
  chown -R postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$bin/initdb" --username=postgres --auth=trust --no-sync -D "$PGDATA" >/dev/null
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp -c fsync=off
