#!/usr/bin/env bash
# A local PostgreSQL + PostGIS server for development: `opora serve FOLDER --database URL`,
# `opora db load`, QGIS on the same machine. Not for production (trust authentication on
# localhost; see docs/postgis.md for a shared server).
#
#   scripts/pg_dev.sh start     create the cluster on first use, start it, create the database
#                               `opora` with PostGIS, print its URL
#   scripts/pg_dev.sh url       print the URL
#   scripts/pg_dev.sh status    is it running?
#   scripts/pg_dev.sh stop      stop it (the data stays)
#   scripts/pg_dev.sh destroy   stop it and remove its folder
#
# Settings (environment): OPORA_PG_DIR (cluster folder; default ~/.cache/opora/pgdev, or
# /var/tmp/opora-pgdev as root), OPORA_PG_PORT (default 54329), OPORA_PG_BIN (folder of
# initdb/pg_ctl; default the newest /usr/lib/postgresql/*/bin, else PATH).
# Debian/Ubuntu: apt-get install postgresql postgresql-15-postgis-3 (any PostGIS 3 works).
# Run as root (a container), the server runs as the `postgres` user, as PostgreSQL requires.
set -euo pipefail

cmd="${1:-start}"
port="${OPORA_PG_PORT:-54329}"
db="opora"

if [ "$(id -u)" = "0" ]; then
    dir="${OPORA_PG_DIR:-/var/tmp/opora-pgdev}"
    id postgres >/dev/null 2>&1 || { echo "pg_dev: running as root and there is no 'postgres' user" >&2; exit 2; }
    as_pg() { runuser -u postgres -- "$@"; }
else
    dir="${OPORA_PG_DIR:-$HOME/.cache/opora/pgdev}"
    as_pg() { "$@"; }
fi

find_bin() {
    if [ -n "${OPORA_PG_BIN:-}" ]; then echo "$OPORA_PG_BIN"; return; fi
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    echo "pg_dev: no PostgreSQL binaries (initdb, pg_ctl); install postgresql and" \
        "postgresql-15-postgis-3, or set OPORA_PG_BIN" >&2
    exit 2
}

url="postgresql://postgres@localhost:${port}/${db}"
data="$dir/data"

case "$cmd" in
start)
    bin="$(find_bin)"
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
        as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=localhost" start >/dev/null
    fi
    psql="$bin/psql -X -q -h $dir -p $port -U postgres"
    if ! as_pg $psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        as_pg $psql -d postgres -c "CREATE DATABASE $db"
    fi
    as_pg $psql -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" || {
        echo "pg_dev: PostGIS is not installed for this PostgreSQL ($bin);" \
            "apt-get install postgresql-15-postgis-3 (match the server's version)" >&2
        exit 2
    }
    echo "$url"
    ;;
url)
    echo "$url"
    ;;
status)
    bin="$(find_bin)"
    as_pg "$bin/pg_ctl" -D "$data" status
    ;;
stop)
    bin="$(find_bin)"
    as_pg "$bin/pg_ctl" -D "$data" -m fast stop
    ;;
destroy)
    bin="$(find_bin)"
    as_pg "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: scripts/pg_dev.sh start|url|status|stop|destroy" >&2
    exit 2
    ;;
esac
