"""Named demos attacked on a real server, the way a careless user, a hostile prospect with a demo
login and a DBA would: each test reproduces the attack and checks the victims (their rows, oids and
logins) and that the tool says one sentence, lists the rest, and repairs what it can."""

import re
import time
from datetime import timedelta

import psycopg
import pytest

from builder.errors import UserError
from builder.named import keep_live, upkeep
from builder.named.names import template_name
from builder.postgres import conninfo, databases, locks, marks
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, query, snapshot_tables
from tests.support.project import named_server


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def demos(pg, built):
    return named_server(pg.url())


def fingerprint(url: str) -> tuple:
    oid = one(databases.admin_url(url), "SELECT oid FROM pg_database WHERE datname = %s", (conninfo.database_name(url),))
    return oid, snapshot_tables(url)


def login_count(pg, name: str) -> int:
    return one(pg.url(), "SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,))


def test_a_broken_demo_is_listed_as_broken_and_the_rest_still_list_and_keep_live(demos, built, pg):
    demos.new("gone_db", str(built), echo=quiet)
    demos.new("unmarked", str(built), echo=quiet)
    demos.new("healthy", str(built), echo=quiet)
    databases.drop_database(pg.url(), "gone_db")  # a DBA drops it by hand
    with databases.connect(pg.url()) as conn:
        conn.execute("COMMENT ON DATABASE unmarked IS NULL")
    listed = invoke("demo.list", "--server", pg.url())
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "broken" in rows["gone_db"] and "broken" in rows["unmarked"] and "ready" in rows["healthy"]
    assert "gone_db: broken, its database is gone" in listed.stdout
    assert "unmarked: broken, its database no longer carries the demo mark" in listed.stdout
    lines = []
    assert keep_live.run(demos, timedelta(seconds=1), rounds=1, echo=lines.append) == 1
    said = "\n".join(lines)
    assert re.search(r"gone_db: skipped: broken, its database is gone", said), said
    assert re.search(r"healthy: cpd-demo \S+: rebased by", said), said
    # reset refuses the unmarked one (left alone), remakes the one whose database is gone
    with pytest.raises(UserError, match="its mark is missing"):
        demos.reset("unmarked", echo=quiet)
    demos.reset("gone_db", echo=quiet)
    assert demos.show("gone_db").status() == "ready"
    before = fingerprint(pg.url("unmarked"))
    report = upkeep.repair(demos, echo=quiet)
    assert "unmarked" in report.demos and fingerprint(pg.url("unmarked")) == before  # the database is left alone
    assert login_count(pg, "unmarked") == 0 and demos.registry.demo("unmarked") is None
    for name in ("gone_db", "healthy"):
        demos.drop(name, echo=quiet)
    databases.drop_database(pg.url(), "unmarked")


def test_drop_removes_what_a_demo_login_left_in_other_databases(demos, built, pg):
    demos.new("leaver", str(built), echo=quiet)
    url = demos.demo_url("leaver")
    if not databases.database_exists(pg.url(), "their_app"):
        databases.create_database(pg.url(), "their_app")  # someone else's, which PUBLIC may open
    elsewhere = conninfo.with_database(url, "their_app")
    with psycopg.connect(elsewhere, autocommit=True) as conn:
        conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE leaver IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC")
    holder = psycopg.connect(elsewhere, autocommit=True)
    holder.execute("CREATE TEMP TABLE held (x int)")
    assert one(pg.url("their_app"), "SELECT count(*) FROM pg_default_acl a JOIN pg_roles r ON r.oid = a.defaclrole "
                                    "WHERE r.rolname = 'leaver'") == 1
    proc = invoke("demo.drop", "--name", "leaver", "--server", pg.url())
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert login_count(pg, "leaver") == 0 and not databases.database_exists(pg.url(), "leaver")
    assert one(pg.url("their_app"), "SELECT count(*) FROM pg_default_acl a LEFT JOIN pg_roles r "
                                    "ON r.oid = a.defaclrole WHERE r.oid IS NULL") == 0
    assert demos.registry.demo("leaver") is None
    holder.close()


def test_restore_refuses_named_demos_templates_and_the_registry(demos, built, pg):
    demos.new("victim", str(built), echo=quiet)
    before = fingerprint(pg.url("victim"))
    for target, expected in (("victim", "use `invoke demo.reset --name victim`"),
                             (demos.show("victim").template, "is a named demo (or its template)"),
                             (marks.CONTROL, "registry of this server's named demos")):
        proc = invoke("snapshot.restore", "--from", str(built), "--database-url", pg.url(target), "--force")
        one_sentence(proc, expected)
    assert fingerprint(pg.url("victim")) == before and demos.show("victim").status() == "ready"
    demos.drop("victim", echo=quiet)


def test_a_foreign_control_database_is_never_touched(built, pg):
    """Another server whose cpd_demo_control is someone else's: refused before anything is changed."""
    from builder.postgres.embedded import EmbeddedPostgres

    with EmbeddedPostgres() as other:
        databases.create_database(other.url(), marks.CONTROL)
        with databases.connect(other.url(marks.CONTROL)) as conn:
            conn.execute("CREATE TABLE theirs (x int)")
        before = (fingerprint(other.url(marks.CONTROL)),
                  query(other.url(), "SELECT datacl::text FROM pg_database WHERE datname = %s", (marks.CONTROL,)))
        for args in (("demo.new", "--name", "acme", "--from", str(built)), ("demo.list",), ("demo.gc",)):
            one_sentence(invoke(*args, "--server", other.url()), "was not made by this tool")
        # Replaced by something that carries the mark but not the registry's tables: one sentence too.
        with databases.connect(other.url()) as conn:
            conn.execute(f"COMMENT ON DATABASE {marks.CONTROL} IS '{marks.CONTROL_COMMENT}'")
        one_sentence(invoke("demo.list", "--server", other.url()), "has lost its tables")
        one_sentence(invoke("snapshot.restore", "--from", str(built), "--database-url", other.url(marks.CONTROL),
                            "--force"), "never replaced")
        assert (fingerprint(other.url(marks.CONTROL)),
                query(other.url(), "SELECT datacl::text FROM pg_database WHERE datname = %s", (marks.CONTROL,))) == before
        assert query(other.url(marks.CONTROL), "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == \
            [("theirs",)]


def test_a_login_that_changes_its_own_password_is_restored_by_reset(demos, built, pg):
    demos.new("rogue", str(built), echo=quiet)
    url = demos.demo_url("rogue")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER ROLE rogue PASSWORD 'mine-now'")
        conn.execute("ALTER ROLE rogue SET statement_timeout = '1ms'")
    one_sentence(invoke("demo.url", "--name", "rogue", "--server", pg.url()), "password was changed from inside")
    assert demos.show("rogue").status() == "broken"
    demos.reset("rogue", echo=quiet)
    fresh = invoke("demo.url", "--name", "rogue", "--server", pg.url()).stdout.splitlines()[-1]
    assert fresh == url
    with psycopg.connect(fresh) as conn:  # works, and without the login's own settings
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 0
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(conninfo.make_url({**conninfo.params(url), "password": "mine-now"})).close()
    demos.drop("rogue", echo=quiet)


def test_a_demo_login_has_a_connection_limit_and_cannot_write_the_rebases_tables(demos, built, pg, monkeypatch):
    monkeypatch.setenv("CPD_DEMO_CONNECTION_LIMIT", "3")
    demos.new("greedy", str(built), echo=quiet)
    url = demos.demo_url("greedy")
    held = [psycopg.connect(url) for _ in range(3)]
    with pytest.raises(psycopg.OperationalError, match="too many connections for role"):
        psycopg.connect(url).close()
    for conn in held:
        conn.close()
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in ("UPDATE cpd_demo_snapshot SET timezone = 'Mars/Olympus'", "DELETE FROM cpd_demo_rule"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM cpd_demo_rule").fetchone()[0] > 0  # reading is fine
    demos.drop("greedy", echo=quiet)


def test_no_password_reaches_the_server_log(demos, built, pg):
    with databases.connect(pg.url()) as conn:
        conn.execute("ALTER SYSTEM SET log_statement = 'all'")
        conn.execute("ALTER SYSTEM SET log_min_error_statement = 'info'")
        conn.execute("SELECT pg_reload_conf()")
    try:
        demos.new("logged", str(built), echo=quiet)
        demos.reset("logged", echo=quiet)
        password = conninfo.params(demos.demo_url("logged"))["password"]
        verifier = demos.registry.verifier("logged")
    finally:
        with databases.connect(pg.url()) as conn:
            conn.execute("ALTER SYSTEM RESET log_statement")
            conn.execute("ALTER SYSTEM RESET log_min_error_statement")
            conn.execute("SELECT pg_reload_conf()")
    log = pg.log_file.read_text(errors="replace")
    assert "CREATE DATABASE" in log and "UPDATE demo SET state" in log  # the log was on; no secret is in it
    assert password not in log and verifier.split("$")[2] not in log
    demos.drop("logged", echo=quiet)


def test_gc_goes_on_past_a_busy_demo_and_never_drops_a_template_in_use(demos, built, pg, tmp_path_factory):
    demos.new("busy_one", str(built), ttl=timedelta(seconds=1), echo=quiet)
    demos.new("idle_one", str(built), ttl=timedelta(seconds=1), echo=quiet)
    other = tmp_path_factory.mktemp("other-version")
    version = build_snapshot(other, seed=777).version
    demos.new("newer", str(other), echo=quiet)
    demos.drop("newer", echo=quiet)  # its template is unused now...
    in_use = locks.AdvisoryLock(pg.url(marks.CONTROL), f"cpd-demo:template:{template_name(version)}", shared=True)
    in_use.acquire()  # ...but a command in flight is copying from it
    time.sleep(1.1)
    with locks.AdvisoryLock(pg.url(marks.CONTROL), locks.database_key("busy_one")) as busy:
        busy.acquire()
        lines = []
        report = upkeep.gc(demos, echo=lines.append)
    in_use.release()
    assert "idle_one" in report.demos and "idle_one" in report.logins and "busy_one" not in report.demos
    assert any("busy_one" in p and "Another command is working on busy_one" in p for p in report.problems), lines
    assert template_name(version) not in report.templates and databases.database_exists(pg.url(), template_name(version))
    assert "1 left as they are" in report.summary()
    again = upkeep.gc(demos, echo=quiet)
    assert "busy_one" in again.demos and template_name(version) in again.templates


def test_careless_input_is_one_sentence(demos, built, pg):
    base = ("--server", pg.url())
    one_sentence(invoke("demo.new", "--name", "postgres\n", *base, "--from", str(built)), "Demo names are lowercase")
    one_sentence(invoke("demo.new", "--name", "esc", "--prospect", "Acme\x1b[31m", *base, "--from", str(built)),
                 "no control characters")
    one_sentence(invoke("demo.new", "--name", "nl", "--prospect", "Acme\nHealth", *base, "--from", str(built)),
                 "no control characters")
    one_sentence(invoke("demo.new", "--name", "month", "--ttl", "1M", *base, "--from", str(built)), "1M could mean")
    one_sentence(invoke("demo.new", "--name", "forever", "--ttl", "999999999999d", *base, "--from", str(built)),
                 "is not a duration from 1s to")
    one_sentence(invoke("demo.keep-live", "--every", "999999999999d", *base), "is not a duration from 1s to")
    one_sentence(invoke("demo.admin", "--name", "nosuch", *base), "There is no demo named nosuch")
    demos.new("careless", str(built), echo=quiet)
    one_sentence(invoke("demo.reset", "--name", "careless", "--now", "9999-12-31T23:59Z", *base), "outside the years")
    one_sentence(invoke("demo.reset", "--name", "careless", "--database-url", pg.url("x"), *base),
                 "cannot be combined with --name")
    one_sentence(invoke("demo.reset", "--name", "careless", "--version", "garbage", "--from", "/nonexistent", *base),
                 "not a snapshot version")
    assert demos.show("careless").status() == "ready"
    demos.drop("careless", echo=quiet)


def test_reset_moves_a_demo_to_another_version_and_remakes_a_lost_template(demos, built, pg, tmp_path_factory):
    demos.new("mover", str(built), prospect="Globex Care", echo=quiet)
    first = demos.show("mover")
    other = tmp_path_factory.mktemp("moved")
    version = build_snapshot(other, seed=999).version
    done = demos.reset("mover", source=str(other), version=version, echo=quiet)
    moved = done.demo
    assert done.moved and done.version_before == first.version and done.ended_sessions == 0
    assert moved.version == version and moved.template == template_name(version) != first.template
    assert one(pg.url("mover"), "SELECT prospect FROM cpd_demo_snapshot") == "Globex Care"
    with databases.connect(pg.url()) as conn:  # a DBA drops the template by hand
        conn.execute(f'ALTER DATABASE "{moved.template}" ALLOW_CONNECTIONS true')
    databases.drop_database(pg.url(), moved.template)
    proc = invoke("demo.reset", "--name", "mover", "--server", pg.url())
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert databases.database_exists(pg.url(), moved.template) and demos.show("mover").status() == "ready"
    demos.drop("mover", echo=quiet)


def test_the_list_has_a_header_local_times_and_survives_a_long_prospect(demos, built, pg):
    demos.new("lister", str(built), prospect="A" * 80, ttl=timedelta(days=2), echo=quiet)
    listed = invoke("demo.list", "--server", pg.url())
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split()[:3] == ["NAME", "STATUS", "PROSPECT"] and "HOST" in header
    row = next(r for r in rows if r.startswith("lister "))
    assert "A" * 23 + "…" in row and "A" * 25 not in row
    host = conninfo.params(pg.url())
    assert row.endswith(f"{host['host']}:{host['port']}") and re.search(r"\d\d:\d\d [A-Z+\-0-9]+", row)
    demos.drop("lister", echo=quiet)
