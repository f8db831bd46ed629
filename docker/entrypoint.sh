#!/usr/bin/env bash
# Entrypoint of the cpd-demo-db image: at every start, rebase the baked demo database to now
# (or $CPD_DEMO_NOW), apply $POSTGRES_PASSWORD if given, then exec postgres with the arguments
# given after the image name. Works on any Postgres base with the postgres user and binaries.
set -Eeo pipefail

REBASE_SQL=/usr/local/share/cpd-demo/rebase_dates.sql
PRISTINE=/var/lib/cpd-demo/pristine-data.tar.gz

# usage: cpd_log MESSAGE...
cpd_log() {
	echo "cpd-demo: $*"
}

# usage: cpd_init_data — an empty volume mounted over $PGDATA gets the baked copy
cpd_init_data() {
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		cpd_log "initialising $PGDATA from the baked snapshot"
		mkdir -p "$PGDATA"
		tar -xzf "$PRISTINE" -C "$PGDATA" --strip-components=1
		chmod 700 "$PGDATA"
	fi
}

# usage: cpd_psql [psql args...] — over the unix socket of the temporary server
cpd_psql() {
	psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h /var/run/postgresql -p "$CPD_TEMP_PORT" -U postgres "$@"
}

# usage: cpd_temp_server_start — socket only, so nothing connects before the dates are right
cpd_temp_server_start() {
	CPD_TEMP_PORT=5432
	pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -p $CPD_TEMP_PORT" start >/dev/null
}

cpd_temp_server_stop() {
	pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
}

# usage: cpd_setup — the work done with the temporary server
cpd_setup() {
	if [ -n "$POSTGRES_PASSWORD" ]; then
		cpd_psql -d postgres --set=pw="$POSTGRES_PASSWORD" <<<"ALTER ROLE postgres PASSWORD :'pw';"
	fi
	local args=(-At -d cpd_demo -f "$REBASE_SQL")
	if [ -n "$CPD_DEMO_NOW" ]; then
		args=(-v now="$CPD_DEMO_NOW" "${args[@]}")
	fi
	# One line: "cpd-demo <version>: rebased by <shift> (anchor <old> -> <new>)".
	cpd_psql "${args[@]}" | tail -n 1
}

_main() {
	# `docker run IMAGE -p 5433 -c key=value` passes options to postgres, as the official image does.
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi
	if [ "$1" = 'postgres' ]; then
		cpd_init_data
		cpd_temp_server_start
		cpd_setup
		cpd_temp_server_stop
	fi
	exec "$@"
}

if ! (return 0 2>/dev/null); then
	_main "$@"
fi
