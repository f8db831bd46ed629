#!/usr/bin/env bash
# The compose `db` service: a throwaway build server on any Postgres image that has the
# postgres user and the server binaries (the official image's entrypoint is not needed).
set -Eeo pipefail

export PGDATA=${PGDATA:-/tmp/cpd-demo-build-db}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	pwfile=$(mktemp)
	printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}" > "$pwfile"
	initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust \
		--encoding=UTF8 --locale=C.UTF-8 >/dev/null
	rm -f "$pwfile"
	echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec postgres -D "$PGDATA" -p "${PGPORT:-5432}" -c listen_addresses="${CPD_DEMO_DB_LISTEN:-*}" \
	-c unix_socket_directories=/tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off
