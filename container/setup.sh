#!/usr/bin/env bash
# The entrypoint's set-up work, sourced by it: SQL over the local socket while the placeholder
# holds TCP (the rebase, POSTGRES_DB's name, POSTGRES_USER, the demos of CPD_DEMO_DATABASES, the
# init scripts), and the keep-live loop. Names reach SQL only as psql variables, never spliced.

# usage: cpd_psql [psql args...] — the entrypoint's own session, as postgres over the socket
cpd_psql() {
	PGOPTIONS=$QUIET psql -X -v ON_ERROR_STOP=1 --no-psqlrc -q -h "$SOCKETS" -p "$CPD_PORT" -U postgres "$@"
}

# usage: cpd_sql WHAT [psql args...] — cpd_psql, or one line saying WHAT failed and why
cpd_sql() {
	local what=$1 out
	shift
	if ! out=$(cpd_psql "$@" 2>&1); then
		local error=${out#*ERROR:  }
		cpd_refuse "$what failed: ${error%%$'\n'*}"
	fi
	[ -z "$out" ] || printf '%s\n' "$out"
}

# usage: cpd_set_password ROLE PASSWORD — psql computes the SCRAM verifier (\password): the
# password never reaches the server, a log or a command line. setsid: psql reads it from stdin
# even under `docker run -t`, never from a terminal.
cpd_set_password() {
	local out
	if ! out=$(printf '%s\n%s\n' "$2" "$2" | setsid -w env PGOPTIONS="$QUIET" psql -X --no-psqlrc -q \
		-h "$SOCKETS" -p "$CPD_PORT" -U postgres -d postgres -v role="$1" -c '\password :"role"' 2>&1); then
		cpd_refuse "setting the password of ${1@Q} failed: $(grep -v '^Enter ' <<<"$out" | head -n 1)"
	fi
}

# usage: cpd_rebase DB — DB's dates to now (or CPD_DEMO_NOW), in one transaction; logs the SQL's report
cpd_rebase() {
	local out
	out=$(cpd_sql "rebasing ${1@Q}" -d "$1" -At -v now="${CPD_DEMO_NOW:-now}" -f "$REBASE_SQL") || exit 1
	printf '%s\n' "${out##*$'\n'}"
}

# usage: cpd_exists DB
cpd_exists() {
	[ "$(cpd_psql -At -d postgres -v db="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")" = 1 ]
}

# usage: cpd_main_db — the demo database: marked by the build, whatever name POSTGRES_DB gave it
cpd_main_db() {
	cpd_psql -At -d postgres -v comment="$MAIN_COMMENT" <<-'EOSQL'
		SELECT d.datname FROM pg_database d JOIN pg_shdescription s ON s.objoid = d.oid
		 AND s.classoid = 'pg_database'::regclass WHERE s.description = :'comment' LIMIT 1;
	EOSQL
}

# usage: cpd_owner ROLE — POSTGRES_USER: a superuser with POSTGRES_PASSWORD; another name than
# postgres leaves postgres with no password (no login over TCP: the official image has no such role)
cpd_owner() {
	if [ "$1" != postgres ]; then
		cpd_sql "making the role ${1@Q}" -d postgres -v user="$1" <<-'EOSQL'
			SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
			ALTER ROLE :"user" LOGIN SUPERUSER;
			ALTER ROLE postgres PASSWORD NULL;
		EOSQL
	fi
	cpd_set_password "$1" "$POSTGRES_PASSWORD"
}

# usage: cpd_make_demos MAIN — each demo of CPD_DEMO_DATABASES not made yet: a copy of MAIN under a
# staging name, tailored, then renamed, so a start stopped midway leaves no half-made demo (the
# next start makes it again); the others are rebased
cpd_make_demos() {
	local i name prospect
	cpd_psql -d postgres -v stage="$MAKING" <<<'DROP DATABASE IF EXISTS :"stage";'
	for i in "${!DEMO_NAMES[@]}"; do
		name=${DEMO_NAMES[$i]} prospect=${DEMO_PROSPECTS[$i]}
		if cpd_exists "$name"; then
			cpd_rebase "$name"
			continue
		fi
		cpd_psql -d postgres -v stage="$MAKING" -v main="$1" <<<'CREATE DATABASE :"stage" TEMPLATE :"main";'
		if [ -n "$prospect" ]; then
			# The product's plain SQL in one transaction, the prospect in its setting (no colour: ''); the
			# engine records whom a demo speaks to (the product's SQL only tailors its own tables).
			cpd_sql "tailoring $name for ${prospect@Q}" -d "$MAKING" -v prospect="$prospect" -v tailor="$TAILOR_SQL" <<-'EOSQL'
				BEGIN;
				SELECT set_config('cpd_demo.prospect', :'prospect', true) AS prospect_given,
				       set_config('cpd_demo.color', '', true) AS color_given \gset
				\i :tailor
				UPDATE cpd_demo_snapshot SET prospect = :'prospect';
				COMMIT;
			EOSQL
		fi
		cpd_psql -d postgres -v stage="$MAKING" -v db="$name" -v user="$POSTGRES_USER" -v comment="$COPY_COMMENT" <<-'EOSQL'
			COMMENT ON DATABASE :"stage" IS :'comment';
			ALTER DATABASE :"stage" OWNER TO :"user";
			ALTER DATABASE :"stage" RENAME TO :"db";
		EOSQL
		cpd_log "made the demo $name${prospect:+ for $prospect}"
	done
}

# usage: docker_process_sql [psql args...] — psql into POSTGRES_DB as POSTGRES_USER over the socket,
# as in the official image (scripts it sources call it, or "${psql[@]}")
docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=(--dbname "$POSTGRES_DB")
	fi
	PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

# usage: docker_process_init_files FILE... — by name: *.sh run if executable, else sourced; *.sql,
# *.sql.gz, *.sql.xz, *.sql.zst into POSTGRES_DB as POSTGRES_USER (the official image's rules)
docker_process_init_files() {
	# shellcheck disable=SC2034  # for the init scripts it sources: "${psql[@]}", as in the official image
	psql=(docker_process_sql)
	local f
	for f; do
		[ -e "$f" ] || continue
		# shellcheck disable=SC2034  # the entrypoint names it if the start-up fails
		CURRENT_INIT_FILE=$f
		# shellcheck source=/dev/null  # an init script the user mounts
		case "$f" in
			*.sh) if [ -x "$f" ]; then cpd_log "running $f"; "$f"; else cpd_log "sourcing $f"; . "$f"; fi ;;
			*.sql) cpd_log "running $f"; docker_process_sql -f "$f" ;;
			*.sql.gz) cpd_log "running $f"; gunzip -c "$f" | docker_process_sql ;;
			*.sql.xz) cpd_log "running $f"; xzcat "$f" | docker_process_sql ;;
			*.sql.zst) cpd_log "running $f"; zstd -dc "$f" | docker_process_sql ;;
			*) cpd_log "ignoring $f" ;;
		esac
	done
	# shellcheck disable=SC2034
	CURRENT_INIT_FILE=
}

# usage: cpd_setup — the work done before TCP opens: rebase (first: a bad CPD_DEMO_NOW is refused
# before anything changes), the name POSTGRES_DB gives, the owner, the demos, and at the first start
# of the data directory its init scripts
cpd_setup() {
	local main
	main=$(cpd_main_db) || exit 1
	[ -n "$main" ] || cpd_refuse "$PGDATA no longer holds its demo database: mount an empty directory for a new demo"
	if [ "$main" != "$POSTGRES_DB" ] && cpd_exists "$POSTGRES_DB"; then
		cpd_refuse "POSTGRES_DB=$POSTGRES_DB is another database of this data directory, whose demo is $main:" \
			"set POSTGRES_DB=$main, or mount an empty directory"
	fi
	cpd_rebase "$main"
	if [ "$main" != "$POSTGRES_DB" ]; then
		cpd_psql -d postgres -v old="$main" -v db="$POSTGRES_DB" <<<'ALTER DATABASE :"old" RENAME TO :"db";'
		cpd_log "the demo database $main is now $POSTGRES_DB"
	fi
	cpd_owner "$POSTGRES_USER"
	cpd_psql -d postgres -v db="$POSTGRES_DB" -v user="$POSTGRES_USER" <<<'ALTER DATABASE :"db" OWNER TO :"user";'
	cpd_make_demos "$POSTGRES_DB"
	if [ -n "$FIRST_START_DUE" ]; then
		docker_process_init_files "$INITDB_DIR"/*
	fi
}

# usage: cpd_keep_live SECONDS — rebase every demo again at each interval, while the server runs
cpd_keep_live() {
	local name
	while sleep "$1"; do
		for name in "$POSTGRES_DB" "${DEMO_NAMES[@]}"; do
			cpd_psql -At -d "$name" -f "$REBASE_SQL" 2>&1 | tail -n 1 || cpd_log "rebasing $name failed; trying again next time"
		done
	done
}
