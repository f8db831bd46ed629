#!/usr/bin/env bash
# Build-time restore: a new cluster in $PGDATA holding the dump as the demo database (named as the
# project's config names it: CPD_DEMO_DATABASE, from constants.env), made as small
# as a fresh start allows (it is the image's one copy of the data: what a pull transfers).
#   cpd-demo-bake DUMP
set -Eeo pipefail

dump=$1
: "${PGDATA:?PGDATA must be set}"
# The documented demo password (not a secret; POSTGRES_PASSWORD at run time replaces it) and the
# demo database's mark, from builder/settings.py and builder/snapshot/image.py through the generated constants.
# shellcheck source=/dev/null
. /usr/local/share/cpd-demo/constants.env

# 1 MiB WAL segments: a fresh cluster otherwise carries 16 MiB segments it never fills.
initdb -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust \
	--auth-host=scram-sha-256 --wal-segsize=1 >/dev/null
{
	echo "listen_addresses = '*'"
	echo "unix_socket_directories = '/var/run/postgresql'"
	echo "timezone = 'UTC'"
	echo "min_wal_size = 4MB"
	echo "max_wal_size = 256MB"
} >>"$PGDATA/postgresql.conf"
# The local socket trusts, as in the official image; every TCP client gives a password. The
# entrypoint sets the marked lines' method from POSTGRES_HOST_AUTH_METHOD at every start.
cat >"$PGDATA/pg_hba.conf" <<-'EOF'
	# TYPE  DATABASE     USER  ADDRESS  METHOD
	local   all          all            trust
	local   replication  all            trust
	host    all          all   all      scram-sha-256  # cpd-demo: POSTGRES_HOST_AUTH_METHOD
EOF

pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c fsync=off" -w start >/dev/null
psql() { command psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h /var/run/postgresql -U postgres "$@"; }
psql -d postgres -v db="$CPD_DEMO_DATABASE" -v mark="$CPD_DEMO_MAIN_MARK" <<-'EOSQL'
	CREATE DATABASE :"db";
	-- How the entrypoint finds the demo database, whatever POSTGRES_DB renamed it to.
	COMMENT ON DATABASE :"db" IS :'mark';
EOSQL
pg_restore --no-owner --no-privileges --exit-on-error -h /var/run/postgresql -U postgres -d "$CPD_DEMO_DATABASE" "$dump"
psql -d postgres -v password="$CPD_DEMO_DEFAULT_PASSWORD" <<<"ALTER ROLE postgres PASSWORD :'password';"
# Frozen with hint bits set: a start reads these pages without writing them back, and no
# autovacuum rewrites them later.
for db in "$CPD_DEMO_DATABASE" postgres template1; do
	psql -d "$db" -c "VACUUM (FREEZE, ANALYZE)"
done
psql -d postgres -c "CHECKPOINT"
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
# A clean shutdown needs none of its WAL: one empty segment is all a start reads.
pg_resetwal -D "$PGDATA" >/dev/null
rm -f "$PGDATA"/postmaster.pid "$PGDATA"/postmaster.opts
# The placeholder server the entrypoint runs during a start needs a cleanly shut down control file.
cp "$PGDATA/global/pg_control" "$(dirname "$PGDATA")/placeholder.pg_control"
# The entrypoint starts only data directories that carry this mark (see cpd_prepare_data).
echo "made by the cpd-demo-db image build" >"$PGDATA/cpd-demo.baked"
