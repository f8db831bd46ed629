#!/usr/bin/env bash
# Entrypoint of the cpd-demo-db image. At every start: postgres (with the arguments given after the
# image name) starts once, letting in only its local socket; the entrypoint applies the variables
# below and rebases the demo databases to now (or $CPD_DEMO_NOW); then TCP clients are let in
# (a reload) and the entrypoint waits on the server, forwarding a stop. Works on any Postgres base
# with the postgres user and the server binaries; the official image's entrypoint is not used.
#
#   POSTGRES_DB            the demo database's name (default cpd_demo; the baked one is renamed)
#   POSTGRES_USER          a login that owns it (a superuser, as in the official image)
#   POSTGRES_PASSWORD      the password of both (default: the documented demo password)
#   CPD_DEMO_DATABASES     more demos, made at first start from the baked one: acme,globex or
#                          acme:Acme Health,globex (CPD_DEMO_PROSPECTS=Acme Health,Globex Care also works)
#   CPD_DEMO_REBASE_EVERY  keep every demo live: rebase again every 30s, 15m, 8h... (off by default)
#   CPD_DEMO_NOW           the instant to rebase to (default: now)
set -Eeo pipefail

REBASE_SQL=/usr/local/share/cpd-demo/rebase_dates.sql
PROSPECT_SQL=/usr/local/share/cpd-demo/prospect.sql
DEMO_DB=${POSTGRES_DB:-cpd_demo}
PRISTINE=/var/lib/cpd-demo/pristine-data.tar.gz
SOCKETS=/var/run/postgresql
# Present only between "rebased" and the container's end: the HEALTHCHECK needs it.
READY=$SOCKETS/cpd-demo.ready
# Written before the baked copy is unpacked into an empty volume, removed once it is complete:
# a start killed midway is redone at the next start instead of leaving a broken data directory.
UNPACKING=.cpd-demo-unpacking
HBA="$PGDATA/pg_hba.conf"
CPD_SERVER_PID=
CPD_PORT=

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

# usage: cpd_psql [psql args...] — over the server's unix socket, as postgres
cpd_psql() {
	psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h "$SOCKETS" -p "$CPD_PORT" -U postgres "$@"
}

# usage: cpd_hold_tcp — until the dates are rebased, only the local socket is let in: the real
# server starts once (no temporary server, no shutdown checkpoint) and no client sees old dates.
cpd_hold_tcp() {
	if [ ! -e "$HBA.cpd-demo" ]; then
		cp -p "$HBA" "$HBA.cpd-demo"
	fi
	echo "local all all trust" > "$HBA.cpd-demo-tmp"
	mv "$HBA.cpd-demo-tmp" "$HBA"
}

# usage: cpd_open_tcp [SERVER_PID] — the image's own rules back (a start stopped midway restores them too)
cpd_open_tcp() {
	if [ -e "$HBA.cpd-demo" ]; then
		mv "$HBA.cpd-demo" "$HBA"
		if [ -n "$1" ]; then
			kill -HUP "$1"  # reload: TCP clients are let in from now on
		fi
	fi
}

# usage: cpd_server_start COMMAND... — the real server as this shell's child; waits until its
# socket answers (polled every 10 ms)
cpd_server_start() {
	"$@" &
	CPD_SERVER_PID=$!
	local i
	for i in $(seq 1 6000); do
		CPD_PORT=$(sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true)
		if [ -n "$CPD_PORT" ] && pg_isready -q -h "$SOCKETS" -p "$CPD_PORT"; then
			return 0
		fi
		if ! kill -0 "$CPD_SERVER_PID" 2>/dev/null; then
			CPD_SERVER_PID=
			cpd_log "the server did not start"
			exit 1
		fi
		sleep 0.01
	done
	cpd_log "the server did not answer within 60 s"
	exit 1
}

# usage: cpd_server_stop — fast shutdown, then wait for it to exit. Repeated: a server still
# starting has not installed its handlers yet, and a background job ignores SIGINT until then.
cpd_server_stop() {
	if [ -n "$CPD_SERVER_PID" ]; then
		while kill -INT "$CPD_SERVER_PID" 2>/dev/null; do
			sleep 0.05
		done
		wait "$CPD_SERVER_PID" || true
		CPD_SERVER_PID=
	fi
}

# usage: cpd_sql_literal VALUE — VALUE as an SQL string literal (for stdin, never argv)
cpd_sql_literal() {
	printf "'%s'" "${1//\'/\'\'}"
}

# usage: cpd_name_ok NAME — a plain identifier Postgres keeps whole
cpd_name_ok() {
	[[ "$1" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || { cpd_log "$1 is not a demo name (lowercase letters, digits and _)"; exit 1; }
}

# usage: cpd_demos — the demo databases of this container, one a line: name<TAB>prospect
cpd_demos() {
	printf '%s\t\n' "$DEMO_DB"
	local IFS=, entry i=0 prospects=()
	read -r -a prospects <<<"${CPD_DEMO_PROSPECTS:-}"
	for entry in ${CPD_DEMO_DATABASES:-}; do
		entry=${entry## }
		if [[ "$entry" == *:* ]]; then
			printf '%s\t%s\n' "${entry%%:*}" "${entry#*:}"
		else
			printf '%s\t%s\n' "$entry" "${prospects[$i]:-}"
		fi
		i=$((i + 1))
	done
}

# usage: cpd_exists DB
cpd_exists() {
	[ "$(cpd_psql -At -d postgres -v db="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")" = 1 ]
}

# usage: cpd_setup — the work done with the temporary server
cpd_setup() {
	cpd_name_ok "$DEMO_DB"
	if [ "$DEMO_DB" != cpd_demo ] && ! cpd_exists "$DEMO_DB" && cpd_exists cpd_demo; then
		cpd_psql -d postgres -v db="$DEMO_DB" <<<'ALTER DATABASE cpd_demo RENAME TO :"db";'
		cpd_log "the demo database is $DEMO_DB"
	fi
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# On stdin: a password on psql's command line would be visible to every process.
		cpd_psql -d postgres <<<"ALTER ROLE postgres PASSWORD $(cpd_sql_literal "$POSTGRES_PASSWORD");"
	fi
	if [ -n "$POSTGRES_USER" ] && [ "$POSTGRES_USER" != postgres ]; then
		cpd_psql -d postgres -v user="$POSTGRES_USER" -v db="$DEMO_DB" <<-EOSQL
			SELECT format('CREATE ROLE %I LOGIN SUPERUSER', :'user')
			 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
			ALTER ROLE :"user" PASSWORD $(cpd_sql_literal "${POSTGRES_PASSWORD:-cpd-demo-only}");
			ALTER DATABASE :"db" OWNER TO :"user";
		EOSQL
	fi
	local args=(-At -f "$REBASE_SQL")
	if [ -n "$CPD_DEMO_NOW" ]; then
		args=(-v now="$CPD_DEMO_NOW" "${args[@]}")
	fi
	# One line a database: "cpd-demo <version>: rebased by <shift> (anchor <old> -> <new>)".
	cpd_psql -d "$DEMO_DB" "${args[@]}" | tail -n 1
	local name prospect
	while IFS=$'\t' read -r name prospect; do
		[ "$name" = "$DEMO_DB" ] && continue
		cpd_name_ok "$name"
		if ! cpd_exists "$name"; then
			cpd_psql -d postgres -v db="$name" -v template="$DEMO_DB" <<<'CREATE DATABASE :"db" TEMPLATE :"template";'
			if [ -n "$prospect" ]; then
				cpd_psql -d "$name" -v prospect="$prospect" -f "$PROSPECT_SQL"
			fi
			cpd_log "made the demo $name${prospect:+ for $prospect}"
		fi
		cpd_psql -d "$name" "${args[@]}" | tail -n 1
	done < <(cpd_demos)
}

# usage: cpd_seconds DURATION — 30s, 15m, 8h, 2d (a bare number is seconds) in seconds
cpd_seconds() {
	local n unit
	if [[ "$1" =~ ^([0-9]+)([smhd]?)$ ]]; then
		n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]:-s}
		case $unit in s) echo "$n" ;; m) echo $((n * 60)) ;; h) echo $((n * 3600)) ;; d) echo $((n * 86400)) ;; esac
		[ "$n" -ge 1 ]
	else
		return 1
	fi
}

# usage: cpd_keep_live SECONDS — rebase every demo again at each interval, for as long as the server runs
cpd_keep_live() {
	local name
	while sleep "$1"; do
		while IFS=$'\t' read -r name _; do
			cpd_psql -At -d "$name" -f "$REBASE_SQL" 2>&1 | tail -n 1 || cpd_log "rebasing $name failed; trying again next time"
		done < <(cpd_demos)
	done
}

# usage: cpd_serve — wait for the server; a stop signal goes to it (a fast shutdown), and the
# keep-live loop (CPD_DEMO_REBASE_EVERY) ends with it
cpd_serve() {
	local loop= status=0 seconds
	trap 'kill -INT "$CPD_SERVER_PID" 2>/dev/null' INT TERM
	if [ -n "$CPD_DEMO_REBASE_EVERY" ]; then
		seconds=$(cpd_seconds "$CPD_DEMO_REBASE_EVERY")
		cpd_log "rebasing every demo every $CPD_DEMO_REBASE_EVERY"
		cpd_keep_live "$seconds" &
		loop=$!
	fi
	# A stop signal interrupts `wait` (status > 128): wait again until postgres itself has exited.
	while kill -0 "$CPD_SERVER_PID" 2>/dev/null; do
		wait "$CPD_SERVER_PID" && status=0 || status=$?
	done
	wait "$CPD_SERVER_PID" 2>/dev/null && status=0 || status=$?
	if [ -n "$loop" ]; then
		kill "$loop" 2>/dev/null || true
	fi
	exit "$status"
}

# usage: cpd_abort [STATUS] — a stop (docker stop, Ctrl-C) or a failure during start-up: leave nothing running
cpd_abort() {
	trap - EXIT INT TERM
	cpd_server_stop
	cpd_open_tcp
	exit "${1:-1}"
}

_main() {
	# `docker run IMAGE -p 5433 -c key=value` passes options to postgres, as the official image does.
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi
	if [ "$1" != 'postgres' ]; then
		exec "$@"
	fi
	rm -f "$READY"
	if [ -n "$CPD_DEMO_REBASE_EVERY" ] && ! cpd_seconds "$CPD_DEMO_REBASE_EVERY" >/dev/null; then
		cpd_log "CPD_DEMO_REBASE_EVERY=$CPD_DEMO_REBASE_EVERY is not a duration like 30s, 15m or 8h"
		exit 1
	fi
	trap 'cpd_abort $?' EXIT
	trap 'cpd_log "stopped during start-up"; cpd_abort 143' INT TERM
	cpd_init_data
	cpd_open_tcp   # a start stopped midway left the local-only rules in place
	cpd_hold_tcp
	cpd_server_start "$@"
	cpd_setup
	cpd_open_tcp "$CPD_SERVER_PID"
	trap - EXIT INT TERM
	touch "$READY"
	cpd_serve
}

if ! (return 0 2>/dev/null); then
	_main "$@"
fi
