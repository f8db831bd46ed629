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

# usage: cpd_temp_server_start — socket only, so nothing connects before the dates are right.
# A child of this shell rather than pg_ctl's daemon: readiness is polled every 10 ms and the
# stop is a `wait`, where pg_ctl -w polls at 100 ms and costs a tenth of a second each way.
cpd_temp_server_start() {
	CPD_TEMP_PORT=5432
	postgres -D "$PGDATA" -c listen_addresses='' -p "$CPD_TEMP_PORT" &
	CPD_TEMP_PID=$!
	local i
	for i in $(seq 1 6000); do
		if pg_isready -q -h /var/run/postgresql -p "$CPD_TEMP_PORT"; then
			return 0
		fi
		if ! kill -0 "$CPD_TEMP_PID" 2>/dev/null; then
			cpd_log "the temporary server did not start"
			exit 1
		fi
		sleep 0.01
	done
	cpd_log "the temporary server did not answer within 60 s"
	exit 1
}

# usage: cpd_temp_server_stop — fast shutdown, then wait for it to exit
cpd_temp_server_stop() {
	kill -INT "$CPD_TEMP_PID"
	wait "$CPD_TEMP_PID"
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
