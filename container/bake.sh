#!/usr/bin/env bash
# Build-time restore: a new cluster in $PGDATA holding the dump as database cpd_demo.
#   cpd-demo-bake DUMP
set -Eeo pipefail

dump=$1
: "${PGDATA:?PGDATA must be set}"
# The documented demo password (not a secret); POSTGRES_PASSWORD at run time replaces it.
demo_password=cpd-demo-only

# 1 MiB WAL segments: a fresh cluster otherwise carries 16 MiB segments it never fills.
initdb -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust \
  --auth-host=scram-sha-256 --wal-segsize=1 >/dev/null
{
  echo "listen_addresses = '*'"
  echo "unix_socket_directories = '/var/run/postgresql'"
  echo "timezone = 'UTC'"
  echo "min_wal_size = 4MB"
  echo "max_wal_size = 256MB"
} >> "$PGDATA/postgresql.conf"
echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"

pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c fsync=off" -w start >/dev/null
psql() { command psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h /var/run/postgresql -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE cpd_demo"
pg_restore --no-owner --no-privileges --exit-on-error -h /var/run/postgresql -U postgres -d cpd_demo "$dump"
psql -d postgres -c "ALTER ROLE postgres PASSWORD '$demo_password'"
psql -d cpd_demo -c "VACUUM ANALYZE"
psql -d postgres -c "CHECKPOINT"
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
rm -f "$PGDATA"/postmaster.pid
