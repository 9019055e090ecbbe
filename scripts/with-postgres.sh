#!/usr/bin/env bash
# Run a command against a private, throw-away PostgreSQL 15 cluster on loopback.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }
PORT=${REATTUNE_TEST_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/reattune-pg.XXXXXX)
chmod 755 "$DIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
PGUSER_NAME=$( [ "$(id -u)" = 0 ] && echo postgres || id -un )
as_pg "$PGBIN/initdb" -D "$DIR/data" -U "$PGUSER_NAME" --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$PGUSER_NAME" reattune
export DATABASE_URL="postgresql://$PGUSER_NAME@127.0.0.1:$PORT/reattune"
export REATTUNE_PG_BIN="$PGBIN"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
"$@"
