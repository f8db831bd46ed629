"""The image as people who ran the official postgres:15 image use it: odd names, the _FILE forms,
POSTGRES_HOST_AUTH_METHOD, /docker-entrypoint-initdb.d, other commands, secrets kept out of the
logs, bind mounts, the start-up window, and bad input refused in one line. One pulled image
(conftest's pushed_image) serves every test."""

import gzip
import json
import os
import subprocess
import time

import psycopg
import pytest

from builder import grammar
from builder.postgres import binaries
from builder.postgres.embedded import free_port
from tests.support.files import tree_state

pytestmark = pytest.mark.docker
DATA = "/var/lib/cpd-demo/data"
ODD_USER = "my cool postgres user"
ODD_DB = "my cool postgres database"


@pytest.fixture
def image(pushed_image):
    return pushed_image[2]


@pytest.fixture
def uid(docker_client, image):
    return int(docker_client.containers.run(image, ["id", "-u"], remove=True).decode())


def start(client, image, port, args=(), **kwargs):
    return client.containers.run(image, command=["-p", str(port), *args], network_mode="host", detach=True,
                                 **kwargs)


def login(port, user="postgres", password="cpd-demo-only", dbname="cpd_demo", container=None, timeout=60):
    """A connection once the server lets TCP clients in (the start-up's 57P03 is retried)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return psycopg.connect(host="127.0.0.1", port=port, user=user, password=password, dbname=dbname,
                                   connect_timeout=2, autocommit=True)
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc) or time.monotonic() > deadline:
                raise
            if container is not None:
                container.reload()
                assert container.status != "exited", container.logs().decode()
            time.sleep(0.05)


def ended(container, timeout=60) -> tuple[int, str]:
    """(exit status, logs) of a container that must stop by itself; it is removed."""
    try:
        status = container.wait(timeout=timeout)["StatusCode"]
        return status, container.logs().decode()
    finally:
        container.remove(force=True)


def refused(client, image, env=None, args=(), **kwargs) -> str:
    """The one line a refused start logs (and nothing else: no SQL, no server log)."""
    status, logs = ended(start(client, image, free_port(), args, environment=env or {}, **kwargs))
    lines = [ln for ln in logs.splitlines() if ln.strip()]
    assert status != 0 and len(lines) == 1 and lines[0].startswith("cpd-demo: "), logs
    return lines[0]


def owned_dir(path, uid, mode=0o700):
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, uid)
    path.chmod(mode)
    return path


def test_odd_names_then_ddl_and_dml_as_that_user(docker_client, image):
    """The official image's own test names: spaces and capitals, passed as data, never spliced."""
    port = free_port()
    password = "it's a \"secret\"; DROP TABLE x; --"
    container = start(docker_client, image, port, environment={
        "POSTGRES_USER": ODD_USER, "POSTGRES_DB": ODD_DB, "POSTGRES_PASSWORD": password})
    try:
        with login(port, ODD_USER, password, ODD_DB, container) as conn:
            assert conn.execute("SELECT current_user, current_database()").fetchone() == (ODD_USER, ODD_DB)
            assert conn.execute("SELECT count(*) FROM cpd_demo_snapshot").fetchone()[0] == 1
            conn.execute('CREATE TABLE "Notes Of The Demo" (id serial PRIMARY KEY, body text)')
            conn.execute('INSERT INTO "Notes Of The Demo" (body) VALUES (%s), (%s)', ("one", "two"))
            conn.execute('UPDATE "Notes Of The Demo" SET body = upper(body)')
            assert conn.execute('SELECT string_agg(body, \',\' ORDER BY id) FROM "Notes Of The Demo"').fetchone()[0] \
                == "ONE,TWO"
            assert conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                                (ODD_DB,)).fetchone()[0] == ODD_USER
            assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'cpd_demo'").fetchone()[0] == 0
        # The official image has no postgres login beside POSTGRES_USER: here it has no password.
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(host="127.0.0.1", port=port, user="postgres", password=password, dbname=ODD_DB)
        logs = container.logs().decode()
        assert f"the demo database cpd_demo is now {ODD_DB}" in logs and "WARNING" not in logs
    finally:
        container.remove(force=True)


def test_each_file_variable_and_nothing_secret_in_docker_inspect(docker_client, image, tmp_path):
    secrets = owned_dir(tmp_path / "secrets", 0, 0o755)
    values = {"POSTGRES_PASSWORD": "from-a-file-7731", "POSTGRES_USER": "Sales Team", "POSTGRES_DB": "Acme Demo",
              "CPD_DEMO_DATABASES": "acme:Acme Health Prospect,globex"}
    for name, value in values.items():
        (secrets / name.lower()).write_text(value + "\n")  # the trailing newline is dropped, as officially
        (secrets / name.lower()).chmod(0o644)
    port = free_port()
    env = {f"{name}_FILE": f"/run/secrets/{name.lower()}" for name in values}
    container = start(docker_client, image, port, environment=env,
                      volumes={str(secrets): {"bind": "/run/secrets", "mode": "ro"}})
    try:
        for db in ("Acme Demo", "acme", "globex"):
            with login(port, "Sales Team", "from-a-file-7731", db, container) as conn:
                org = conn.execute("SELECT organization FROM marketing_contactlist LIMIT 1").fetchone()[0]
                assert (org == "Acme Health Prospect") == (db == "acme"), (db, org)
        inspected = json.dumps(docker_client.api.inspect_container(container.id))
        assert "from-a-file-7731" not in inspected and "Acme Health Prospect" not in inspected
        assert "from-a-file-7731" not in container.logs().decode()
    finally:
        container.remove(force=True)
    both = refused(docker_client, image, {"POSTGRES_PASSWORD": "a", "POSTGRES_PASSWORD_FILE": "/run/secrets/x"})
    assert "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set" in both
    missing = refused(docker_client, image, {"POSTGRES_DB_FILE": "/run/secrets/none"})
    assert "POSTGRES_DB_FILE names '/run/secrets/none', which is not a file" in missing


def test_commands_other_than_postgres_run_as_given(docker_client, image):
    assert docker_client.containers.run(image, ["psql", "--version"], remove=True).decode().startswith(
        "psql (PostgreSQL) 15")
    assert docker_client.containers.run(image, ["bash", "-c", "echo $0 ran as $(id -un)"],
                                        remove=True).decode().strip() == "bash ran as postgres"
    # An option that only prints goes straight to postgres, as in the official image: no start-up.
    assert docker_client.containers.run(image, ["--version"], remove=True).decode().startswith("postgres (PostgreSQL)")


def test_no_secret_in_the_logs_whatever_the_flags_or_names(docker_client, image):
    password = "never-in-a-log-5150"
    port = free_port()
    flags = ["-c", "log_statement=all", "-c", "log_min_duration_statement=0", "-c", "log_min_error_statement=debug5",
             "-c", "log_connections=on", "-c", "debug_print_parse=on"]
    container = start(docker_client, image, port, flags, environment={
        "POSTGRES_PASSWORD": password, "POSTGRES_USER": "odd 'user'", "CPD_DEMO_DATABASES": "acme:Acme"})
    try:
        with login(port, "odd 'user'", password, container=container) as conn:
            conn.execute("SELECT 1")
        _, setup_log = container.exec_run(["cat", "/var/run/postgresql/cpd-demo-setup.log"])
        for text in (container.logs().decode(), setup_log.decode()):
            assert password not in text and "SCRAM-SHA-256$" not in text
            assert "$rebase$" not in text  # the entrypoint's own SQL is not echoed either
        assert "statement: SELECT 1" in container.logs().decode()  # the flags do apply to clients
    finally:
        container.remove(force=True)
    line = refused(docker_client, image, {"POSTGRES_USER": "pg_monitor", "POSTGRES_PASSWORD": password}, flags)
    assert "role names beginning with pg_ are reserved" in line and password not in line


def test_host_auth_method_and_the_exposure_warning(docker_client, image):
    port = free_port()
    container = start(docker_client, image, port, environment={"POSTGRES_HOST_AUTH_METHOD": "trust"})
    try:
        with login(port, password="any password at all", container=container) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        warnings = [ln for ln in container.logs().decode().splitlines() if "WARNING" in ln]
        assert len(warnings) == 1 and "POSTGRES_HOST_AUTH_METHOD=trust" in warnings[0]
    finally:
        container.remove(force=True)
    # The published password on every interface: one line; on loopback only: none.
    for args, expected in (((), 1), (("-c", "listen_addresses=127.0.0.1"), 0)):
        port = free_port()
        container = start(docker_client, image, port, args)
        try:
            login(port, container=container).close()
            warnings = [ln for ln in container.logs().decode().splitlines() if "WARNING" in ln]
            assert len(warnings) == expected, warnings
            assert expected == 0 or "published demo password" in warnings[0]
        finally:
            container.remove(force=True)
    line = refused(docker_client, image, {"POSTGRES_HOST_AUTH_METHOD": "md5 password"})
    assert "POSTGRES_HOST_AUTH_METHOD=md5 password is not one of" in line


def test_the_official_data_path_on_a_new_named_volume(docker_client, image):
    """`-e PGDATA=/var/lib/postgresql/data -v vol:/var/lib/postgresql/data`, as with postgres:15."""
    volume = docker_client.volumes.create()
    port = free_port()
    container = start(docker_client, image, port, environment={"PGDATA": "/var/lib/postgresql/data", "POSTGRES_PASSWORD": "pw"},
                      volumes={volume.name: {"bind": "/var/lib/postgresql/data", "mode": "rw"}})
    try:
        with login(port, password="pw", container=container) as conn:
            assert conn.execute("SHOW data_directory").fetchone()[0] == "/var/lib/postgresql/data"
            assert conn.execute("SELECT count(*) FROM cpd_demo_snapshot").fetchone()[0] == 1
    finally:
        container.remove(force=True)
        volume.remove(force=True)


def test_a_non_empty_directory_the_image_did_not_make_is_refused_and_left_intact(docker_client, image, tmp_path, uid):
    mine = owned_dir(tmp_path / "mine", uid)
    (mine / "notes.txt").write_text("a user's own file")
    (mine / "sub").mkdir()
    (mine / "sub" / "more.txt").write_text("more")
    before = tree_state(mine)
    line = refused(docker_client, image, {"POSTGRES_PASSWORD": "x"}, volumes={str(mine): {"bind": DATA}})
    assert "is not empty and this image did not initialise it" in line
    assert tree_state(mine) == before
    # Another Postgres data directory is not ours either; one the server cannot write is named.
    (mine / "PG_VERSION").write_text("15\n")
    before = tree_state(mine)
    line = refused(docker_client, image, {"POSTGRES_PASSWORD": "x"}, volumes={str(mine): {"bind": DATA}})
    assert "holds a Postgres data directory this image did not make" in line and tree_state(mine) == before
    roots = owned_dir(tmp_path / "roots", 0)
    line = refused(docker_client, image, {"POSTGRES_PASSWORD": "x"}, volumes={str(roots): {"bind": DATA}})
    assert f"is not a directory that uid {uid} (postgres) can write" in line


def test_a_first_start_killed_midway_is_redone_removing_only_what_the_image_wrote(docker_client, image, tmp_path, uid):
    data = owned_dir(tmp_path / "pgdata", uid)
    for name in (".cpd-demo-first-start", "PG_VERSION", "postmaster.pid"):
        (data / name).write_text("15\n")
    (data / "base").mkdir()
    (data / "base" / "half-copied").write_text("x")
    (data / "kept-by-the-user.txt").write_text("mine")
    for path in data.rglob("*"):
        os.chown(path, uid, uid)
    port = free_port()
    container = start(docker_client, image, port, volumes={str(data): {"bind": DATA}})
    try:
        with login(port, container=container) as conn:
            assert conn.execute("SELECT count(*) FROM cpd_demo_snapshot").fetchone()[0] == 1
        assert "did not finish: starting it again from the snapshot" in container.logs().decode()
        assert not (data / ".cpd-demo-first-start").exists() and not (data / "base" / "half-copied").exists()
        assert (data / "kept-by-the-user.txt").read_text() == "mine"
    finally:
        container.remove(force=True)


def write_init_scripts(scripts, fail: bool):
    scripts.joinpath("01-table.sql").write_text(
        "CREATE TABLE init_log (step text, who name DEFAULT current_user, db name DEFAULT current_database());\n"
        "INSERT INTO init_log (step) VALUES ('sql');\n")
    scripts.joinpath("02-rows.sql.gz").write_bytes(gzip.compress(b"INSERT INTO init_log (step) VALUES ('gz');\n"))
    scripts.joinpath("03-run.sh").write_text(
        '#!/bin/bash\nset -e\npsql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" '
        "-c \"INSERT INTO init_log (step) VALUES ('executed')\"\n")
    scripts.joinpath("03-run.sh").chmod(0o755)
    scripts.joinpath("04-source.sh").write_text(
        "docker_process_sql -c \"INSERT INTO init_log (step) VALUES ('sourced')\"\n"
        "\"${psql[@]}\" -c \"INSERT INTO init_log (step) VALUES ('psql array')\"\n")
    scripts.joinpath("04-source.sh").chmod(0o644)
    scripts.joinpath("05-last.sql").write_text(
        "INSERT INTO init_log (step) VALUES ('last');\n" + ("SELECT 1 / 0;\n" if fail else ""))
    scripts.joinpath("06-notes.txt").write_text("not a script")
    for path in scripts.iterdir():
        path.chmod(path.stat().st_mode | 0o444)


def test_init_scripts_run_once_and_a_failure_starts_again_from_a_clean_copy(docker_client, image, tmp_path, uid):
    """*.sql, *.sql.gz, executable and sourced *.sh, by name, into POSTGRES_DB as POSTGRES_USER, once;
    a failing one stops the start with its error and the next start begins again, never half-applied."""
    data = owned_dir(tmp_path / "pgdata", uid)
    scripts = owned_dir(tmp_path / "initdb.d", 0, 0o755)
    write_init_scripts(scripts, fail=True)
    mounts = {str(data): {"bind": DATA}, str(scripts): {"bind": "/docker-entrypoint-initdb.d", "mode": "ro"}}
    env = {"POSTGRES_USER": ODD_USER, "POSTGRES_DB": ODD_DB, "POSTGRES_PASSWORD": "pw"}
    status, logs = ended(start(docker_client, image, free_port(), environment=env, volumes=mounts))
    assert status != 0 and "division by zero" in logs, logs
    assert "/docker-entrypoint-initdb.d/05-last.sql failed: the next start begins again from the snapshot" in logs
    write_init_scripts(scripts, fail=False)
    port = free_port()
    container = start(docker_client, image, port, environment=env, volumes=mounts)
    try:
        with login(port, ODD_USER, "pw", ODD_DB, container) as conn:
            rows = conn.execute("SELECT step, who, db FROM init_log").fetchall()
            assert [r[0] for r in rows] == ["sql", "gz", "executed", "sourced", "psql array", "last"]
            assert {r[1:] for r in rows} == {(ODD_USER, ODD_DB)}
            # After the rebase: the scripts saw the demo as it is served.
            assert conn.execute("SELECT rebased_at IS NOT NULL FROM cpd_demo_snapshot").fetchone()[0]
        logs = container.logs().decode()
        assert "did not finish: starting it again" in logs and "ignoring /docker-entrypoint-initdb.d/06-notes.txt" in logs
        container.restart(timeout=10)
        with login(port, ODD_USER, "pw", ODD_DB, container) as conn:
            assert conn.execute("SELECT count(*) FROM init_log").fetchone()[0] == 6
        assert container.logs().decode().count("running /docker-entrypoint-initdb.d/01-table.sql") == 1
    finally:
        container.remove(force=True)


def test_compressed_scripts_run_or_are_refused_by_what_the_base_has(docker_client, image, tmp_path):
    """*.sql.xz and *.sql.zst need xz and zstd, which the official image has and a minimal base may
    lack: then the start is refused in one line naming the file."""
    have = docker_client.containers.run(image, ["bash", "-c", "command -v xzcat >/dev/null && echo yes || echo no"],
                                        remove=True).decode().strip() == "yes"
    scripts = owned_dir(tmp_path / "initdb.d", 0, 0o755)
    packed = subprocess.run(["xz", "-c"], input=b"CREATE TABLE from_xz (x int);\n", capture_output=True, check=True)
    scripts.joinpath("01-table.sql.xz").write_bytes(packed.stdout)
    scripts.joinpath("01-table.sql.xz").chmod(0o644)
    mounts = {str(scripts): {"bind": "/docker-entrypoint-initdb.d", "mode": "ro"}}
    if not have:
        line = refused(docker_client, image, {"POSTGRES_PASSWORD": "pw"}, volumes=mounts)
        assert line == ("cpd-demo: /docker-entrypoint-initdb.d/01-table.sql.xz needs xzcat, which this image's base "
                        "lacks: give it as .sql or .sql.gz")
        return
    port = free_port()
    container = start(docker_client, image, port, environment={"POSTGRES_PASSWORD": "pw"}, volumes=mounts)
    try:
        with login(port, password="pw", container=container) as conn:
            assert conn.execute("SELECT to_regclass('from_xz')::text").fetchone()[0] == "from_xz"
    finally:
        container.remove(force=True)


def test_clients_are_told_the_server_is_starting_until_the_rebase_is_done(docker_client, image, tmp_path):
    """A slow init script keeps the start-up open: TCP clients get Postgres's own 57P03 and
    pg_isready says "rejecting connections"; then the rebased demo answers."""
    scripts = owned_dir(tmp_path / "slow", 0, 0o755)
    scripts.joinpath("00-slow.sh").write_text("sleep 4\n")
    scripts.joinpath("00-slow.sh").chmod(0o644)
    port = free_port()
    pg_isready = binaries.require("pg_isready")
    container = start(docker_client, image, port, environment={"POSTGRES_PASSWORD": "pw"},
                      volumes={str(scripts): {"bind": "/docker-entrypoint-initdb.d", "mode": "ro"}})
    errors, readiness = [], []
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run([pg_isready, "-h", "127.0.0.1", "-p", str(port)], capture_output=True, text=True)
            readiness.append((ready.returncode, ready.stdout.strip()))
            try:
                conn = psycopg.connect(host="127.0.0.1", port=port, user="postgres", password="pw",
                                       dbname="cpd_demo", connect_timeout=2)
                break
            except psycopg.OperationalError as exc:
                errors.append(str(exc))
                assert time.monotonic() < deadline, (errors[-3:], container.logs().decode())
                time.sleep(0.1)
        with conn:
            assert conn.execute("SELECT rebased_at > now() - interval '1 minute' FROM cpd_demo_snapshot").fetchone()[0]
    finally:
        container.remove(force=True)
    starting = [e for e in errors if "the database system is starting up" in e]
    assert len(starting) >= 10, errors
    # Postgres's own 57P03 (starting up; in the instant the placeholder gives way, shutting down) or a
    # refused connection: what every client's ordinary retry handles. Never a pg_hba error.
    retryable = ("starting up", "shutting down", "Connection refused")
    assert all(any(word in e for word in retryable) for e in errors), \
        [e for e in set(errors) if not any(word in e for word in retryable)]
    assert (1, f"127.0.0.1:{port} - rejecting connections") in readiness
    assert not [r for r in readiness[:-1] if r[0] == 0], readiness


def test_demo_entries_are_data_and_tailoring_is_part_of_making_a_demo(docker_client, image, tmp_path, uid):
    line = refused(docker_client, image, {"CPD_DEMO_DATABASES": "acme,*", "POSTGRES_PASSWORD": "pw"})
    assert line == f"cpd-demo: CPD_DEMO_DATABASES: '*' is not a demo name ({grammar.NAME_RULE})"
    for hostile in ("pg_acme", "cpd_tmp_x", "cpd_template_v1", "cpd_demo_control", "public"):
        line = refused(docker_client, image, {"CPD_DEMO_DATABASES": hostile, "POSTGRES_PASSWORD": "pw"})
        assert line == f"cpd-demo: CPD_DEMO_DATABASES: '{hostile}' is not a demo name ({grammar.NAME_RULE})"
    data = owned_dir(tmp_path / "pgdata", uid)
    mounts = {str(data): {"bind": DATA}}
    too_long = "X" * 81
    # A prospect the grammar refuses is refused before anything is made: the next start on the same
    # volume makes every demo.
    for entries, failing in ((f"acme:{too_long}", "acme"), ("acme:Acme Health", None),
                             (f"acme:Acme Health,globex:{too_long}", "globex"), ("acme:Acme\x1b[31mRed", "acme"),
                             ("acme:Acme Health,globex:Globex Care", None)):
        port = free_port()
        container = start(docker_client, image, port, volumes=mounts,
                          environment={"CPD_DEMO_DATABASES": entries, "POSTGRES_PASSWORD": "pw"})
        if failing:
            status, logs = ended(container)
            entry = next(e for e in entries.split(",") if e.startswith(failing + ":"))
            shown = subprocess.run(["bash", "-c", 'printf "%s" "${1@Q}"', "-", entry], capture_output=True,
                                   text=True).stdout
            assert status != 0 and [ln for ln in logs.splitlines() if ln.strip()] == [
                f"cpd-demo: CPD_DEMO_DATABASES: {shown} names a prospect that is not {grammar.PROSPECT_RULE}"], logs
            continue
        try:
            with login(port, password="pw", container=container) as conn:
                names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
                assert "cpd_demo_making" not in names
            for db, prospect in (("acme", "Acme Health"), ("globex", "Globex Care")):
                if db in entries:
                    with login(port, password="pw", dbname=db) as conn:
                        assert conn.execute("SELECT prospect FROM cpd_demo_snapshot").fetchone()[0] == prospect
        finally:
            container.remove(force=True)


def test_an_image_without_tailoring_sql_refuses_a_prospect(docker_client, image):
    """The product may give no tailoring SQL: a `name:Prospect` entry is then one line, a name alone works."""
    script = ("rm /usr/local/share/cpd-demo/tailor.sql && "
              "exec runuser -u postgres -- env CPD_DEMO_DATABASES=\"$1\" cpd-demo-entrypoint postgres -p \"$2\"")
    container = docker_client.containers.run(image, ["bash", "-c", script, "-", "acme:Acme", str(free_port())],
                                             user="root", environment={"POSTGRES_PASSWORD": "pw"}, network_mode="host",
                                             detach=True)
    status, logs = ended(container)
    assert status != 0
    assert logs.strip() == ("cpd-demo: CPD_DEMO_DATABASES: 'acme:Acme' names a prospect, but this image has no "
                            "tailoring SQL: give the name alone")


def test_bad_input_is_one_line_before_any_sql(docker_client, image):
    cases = {
        "is the server's own database": {"POSTGRES_DB": "postgres"},
        "POSTGRES_DB must be 1 to 63 bytes long (it is 64)": {"POSTGRES_DB": "é" * 32},
        "POSTGRES_USER must be 1 to 63 bytes long (it is 64)": {"POSTGRES_USER": "u" * 64},
        "CPD_DEMO_REBASE_EVERY=999999999999999d is not a duration from 1s to 365d": {
            "CPD_DEMO_REBASE_EVERY": "999999999999999d"},
        "CPD_DEMO_REBASE_EVERY=366d is not a duration": {"CPD_DEMO_REBASE_EVERY": "366d"},
        "now 'tomorrow' is not an ISO 8601 instant": {"CPD_DEMO_NOW": "tomorrow"},
    }
    for expected, env in cases.items():
        line = refused(docker_client, image, {"POSTGRES_PASSWORD": "pw", **env})
        assert expected in line, (env, line)
    # A name of exactly 63 bytes is taken whole.
    port = free_port()
    container = start(docker_client, image, port, environment={"POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "é" * 31 + "x"})
    try:
        login(port, password="pw", dbname="é" * 31 + "x", container=container).close()
    finally:
        container.remove(force=True)


def test_a_changed_postgres_db_on_a_volume_renames_it_or_says_what_to_do(docker_client, image, tmp_path, uid):
    data = owned_dir(tmp_path / "pgdata", uid)
    mounts = {str(data): {"bind": DATA}}

    def run_with(env):
        port = free_port()
        return port, start(docker_client, image, port, volumes=mounts, environment={"POSTGRES_PASSWORD": "pw", **env})

    port, c1 = run_with({"POSTGRES_DB": "first", "CPD_DEMO_DATABASES": "other"})
    with login(port, password="pw", dbname="first", container=c1) as conn:
        conn.execute("CREATE TABLE kept (x int)")
    c1.remove(force=True)
    port, c2 = run_with({"POSTGRES_DB": "second"})
    try:
        with login(port, password="pw", dbname="second", container=c2) as conn:
            assert conn.execute("SELECT to_regclass('kept')::text").fetchone()[0] == "kept"
        assert "the demo database first is now second" in c2.logs().decode()
    finally:
        c2.remove(force=True)
    line = refused(docker_client, image, {"POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "other"}, volumes=mounts)
    assert line == ("cpd-demo: POSTGRES_DB=other is another database of this data directory, whose demo is second: "
                    "set POSTGRES_DB=second, or mount an empty directory")
