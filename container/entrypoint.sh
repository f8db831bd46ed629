#!/usr/bin/env bash
# Entrypoint of the cpd-demo-db image: at every start, rebase the baked demo database to now
# (or $CPD_DEMO_NOW), apply $POSTGRES_PASSWORD if given, then exec postgres with the arguments
# given after the image name. Works on any Postgres base with the postgres user and binaries.
set -Eeo pipefail

REBASE_SQL=/usr/local/share/cpd-demo/rebase_dates.sql
PRISTINE=/var/lib/cpd-demo/pristine-data.tar.gz
SOCKETS=/var/run/postgresql
# Present only between "rebased" and the container's end: the HEALTHCHECK needs it.
READY=$SOCKETS/cpd-demo.ready
# Written before the baked copy is unpacked into an empty volume, removed once it is complete:
# a start killed midway is redone at the next start instead of leaving a broken data directory.
UNPACKING=.cpd-demo-unpacking
CPD_TEMP_PID=

# usage: cpd_log MESSAGE...
cpd_log() {
	echo "cpd-demo: $*"
}

# usage: cpd_init_data — an empty volume mounted over $PGDATA gets the baked copy
cpd_init_data() {
	if [ -e "$PGDATA/$UNPACKING" ]; then
		cpd_log "a previous start was stopped while unpacking; unpacking again"
		find "$PGDATA" -mindepth 1 -maxdepth 1 ! -name "$UNPACKING" -exec rm -rf {} +
	elif [ -s "$PGDATA/PG_VERSION" ]; then
		return 0
	fi
	cpd_log "initialising $PGDATA from the baked snapshot"
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA"
	touch "$PGDATA/$UNPACKING"
	tar -xzf "$PRISTINE" -C "$PGDATA" --strip-components=1
	sync -f "$PGDATA" 2>/dev/null || true
	rm -f "$PGDATA/$UNPACKING"
}

# usage: cpd_psql [psql args...] — over the unix socket of the temporary server
cpd_psql() {
	psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h "$SOCKETS" -p "$CPD_TEMP_PORT" -U postgres "$@"
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
		if pg_isready -q -h "$SOCKETS" -p "$CPD_TEMP_PORT"; then
			return 0
		fi
		if ! kill -0 "$CPD_TEMP_PID" 2>/dev/null; then
			CPD_TEMP_PID=
			cpd_log "the temporary server did not start"
			exit 1
		fi
		sleep 0.01
	done
	cpd_log "the temporary server did not answer within 60 s"
	exit 1
}

# usage: cpd_temp_server_stop — fast shutdown, then wait for it to exit. Repeated: a server
# still starting has not installed its handlers yet, and a background job ignores SIGINT until then.
cpd_temp_server_stop() {
	if [ -n "$CPD_TEMP_PID" ]; then
		while kill -INT "$CPD_TEMP_PID" 2>/dev/null; do
			sleep 0.05
		done
		wait "$CPD_TEMP_PID" || true
		CPD_TEMP_PID=
	fi
}

# usage: cpd_sql_literal VALUE — VALUE as an SQL string literal (for stdin, never argv)
cpd_sql_literal() {
	printf "'%s'" "${1//\'/\'\'}"
}

# usage: cpd_setup — the work done with the temporary server
cpd_setup() {
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# On stdin: a password on psql's command line would be visible to every process.
		cpd_psql -d postgres <<<"ALTER ROLE postgres PASSWORD $(cpd_sql_literal "$POSTGRES_PASSWORD");"
	fi
	local args=(-At -d cpd_demo -f "$REBASE_SQL")
	if [ -n "$CPD_DEMO_NOW" ]; then
		args=(-v now="$CPD_DEMO_NOW" "${args[@]}")
	fi
	# One line: "cpd-demo <version>: rebased by <shift> (anchor <old> -> <new>)".
	cpd_psql "${args[@]}" | tail -n 1
}

# usage: cpd_abort — a stop (docker stop, Ctrl-C) or a failure during setup: leave nothing running
cpd_abort() {
	trap - EXIT INT TERM
	cpd_temp_server_stop
	exit "${1:-1}"
}

_main() {
	# `docker run IMAGE -p 5433 -c key=value` passes options to postgres, as the official image does.
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi
	if [ "$1" = 'postgres' ]; then
		rm -f "$READY"
		trap 'cpd_abort $?' EXIT
		trap 'cpd_log "stopped during start-up"; cpd_abort 143' INT TERM
		cpd_init_data
		cpd_temp_server_start
		cpd_setup
		cpd_temp_server_stop
		trap - EXIT INT TERM
		touch "$READY"
	fi
	exec "$@"
}

if ! (return 0 2>/dev/null); then
	_main "$@"
fi
