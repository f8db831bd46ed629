#!/usr/bin/env bash
set -Eeo pipefail
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start >/dev/null
psql() { command psql -X -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE cpd_demo"
psql -d postgres -c "ALTER ROLE postgres PASSWORD 'cpd-demo-only'"
pg_restore --no-owner --no-privileges --exit-on-error -h /var/run/postgresql -U postgres -d cpd_demo \
  /docker-entrypoint-initdb.d/cpd-demo.dump
psql -At -d cpd_demo -f /usr/local/share/cpd-demo/rebase/rebase_dates.sql | tail -n 1
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
exec "$@" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
