"""Every command on a server shaped like a managed one (RDS, Cloud SQL, Azure, Neon, Supabase): its
admin login has CREATEDB and CREATEROLE and the providers' grants, no superuser. After the server is
made (Managed in tests/support/postgres.py) every step uses that login, or a demo's own."""

import time

import psycopg
import pytest

from builder.named import keep_live, upkeep
from builder.named.names import template_name
from builder.postgres import conninfo, locks, marks
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, query
from tests.support.project import named_server


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def demos(managed, built):
    assert one(managed.url(), "SELECT current_setting('is_superuser')") == "off"
    return named_server(managed.url())


def cannot_open(url: str, database: str) -> None:
    with pytest.raises(psycopg.OperationalError, match="permission denied|not currently accepting"):
        psycopg.connect(conninfo.with_database(url, database), connect_timeout=5).close()


def test_snapshot_restore_and_its_rebase_need_no_superuser(managed, built):
    target = managed.url("shop_demo")
    proc = invoke("snapshot.restore", "--from", str(built), "--database-url", target)
    assert proc.returncode == 0, proc.stderr
    assert one(target, "SELECT count(*) FROM events_event") > 10
    assert one(target, "SELECT rebased_at IS NOT NULL FROM cpd_demo_snapshot")
    again = invoke("snapshot.restore", "--from", str(built), "--database-url", target)  # over its own copy
    assert again.returncode == 0, again.stderr


def test_every_named_command_with_a_managed_admin_login(demos, managed, built):
    server = managed.url()
    made = invoke("demo.new", "--name", "m_one", "--server", server, "--from", str(built))
    assert made.returncode == 0, made.stderr
    # The server's own template1 is not this login's: said once, when the registry is made.
    assert "template1 is not this login's" in made.stdout
    made = invoke("demo.new", "--name", "m_two", "--server", server, "--from", str(built), "--prospect", "Acme Health")
    assert made.returncode == 0, made.stderr
    assert "template1" not in made.stdout
    url = invoke("demo.url", "--name", "m_one", "--server", server).stdout.splitlines()[-1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM events_attendance")
    listed = invoke("demo.list", "--server", server)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines() if line.strip()}
    assert "ready" in rows["m_one"] and "ready" in rows["m_two"] and "Acme Health" in rows["m_two"]
    assert "connections: the demos' 2 login(s) may hold" in listed.stdout
    open_session = psycopg.connect(url, autocommit=True)
    reset = invoke("demo.reset", "--name", "m_one", "--server", server)
    assert reset.returncode == 0, reset.stderr
    assert "ended 1 open session(s)" in reset.stdout
    assert one(url, "SELECT count(*) FROM events_attendance") > 0
    open_session.close()
    live = invoke("demo.keep-live", "--server", server, "--rounds", "1", "--every", "1s")
    assert live.returncode == 0, live.stderr
    assert "m_one: cpd-demo" in live.stdout and "m_two: cpd-demo" in live.stdout, live.stdout
    assert invoke("demo.repair", "--server", server).returncode == 0
    dropped = invoke("demo.drop", "--name", "m_two", "--server", server)
    assert dropped.returncode == 0, dropped.stderr
    assert one(managed.url(), "SELECT count(*) FROM pg_roles WHERE rolname = 'm_two'") == 0
    gc = invoke("demo.gc", "--server", server)
    assert gc.returncode == 0, gc.stderr
    assert [d.name for d in demos.demos()] == ["m_one"]


def test_a_demo_login_opens_its_own_database_and_nothing_else(demos, managed, built):
    demos.new("m_iso", str(built), echo=quiet)
    url = demos.demo_url("m_iso")
    assert one(url, "SELECT current_database()") == "m_iso"
    for database in ("postgres", marks.CONTROL, "m_one", demos.show("m_iso").template):
        cannot_open(url, database)
    # What it can open: its own database, and template1 (the server's, not this login's, as said);
    # a database snapshot.restore filled keeps Postgres's default (the platform's own login opens it).
    opened = []
    for (database,) in query(managed.url(), "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1"):
        try:
            psycopg.connect(conninfo.with_database(url, database), connect_timeout=5).close()
            opened.append(database)
        except psycopg.OperationalError:
            pass
    assert [d for d in opened if d != "shop_demo"] == ["m_iso", "template1"]


def test_a_demo_login_holding_every_lock_it_can_delays_no_other_demo(demos, managed, built):
    """Holding any advisory lock the tool uses, in every database it can open, changes nothing."""
    url = demos.demo_url("m_iso")
    keys = [locks.database_key("m_one"), locks.database_key("m_iso"), "cpd-demo:control", "cpd-demo:budget",
            f"cpd-demo:template:{demos.show('m_one').template}", f"cpd-demo:template:{template_name('x')}"]
    held = []
    for database in ("m_iso", "template1"):
        conn = psycopg.connect(conninfo.with_database(url, database), autocommit=True)
        for key in keys:
            assert conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (key,)).fetchone()[0]
        held.append(conn)
    try:
        started = time.monotonic()
        lines: list[str] = []
        demos.reset("m_one", echo=lines.append)
        assert time.monotonic() - started < 30, lines
        assert demos.show("m_one").status() == "ready"
        demos.new("m_three", str(built), echo=quiet)  # the registry's lock is not theirs to take
        assert demos.show("m_three").status() == "ready"
        assert keep_live.rebase_one(demos, demos.show("m_one")).startswith("cpd-demo")
    finally:
        for conn in held:
            conn.close()
    demos.drop("m_three", echo=quiet)


def test_a_demo_login_holding_a_restores_lock_everywhere_it_can_does_not_stall_the_restore(demos, managed, built):
    """Even where `postgres` is open to every login (a server whose `postgres` is not the tool's), a
    restore's lock lives in the control database."""
    url = demos.demo_url("m_iso")
    target = managed.url("shop_demo")
    with psycopg.connect(managed.url(), autocommit=True) as admin:
        admin.execute("GRANT CONNECT ON DATABASE postgres TO PUBLIC")
    held = []
    try:
        for database in ("m_iso", "template1", "postgres"):
            conn = psycopg.connect(conninfo.with_database(url, database), autocommit=True)
            held.append(conn)
            assert conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))",
                                (locks.database_key("shop_demo"),)).fetchone()[0]
        restored = invoke("snapshot.restore", "--from", str(built), "--database-url", target)
        assert restored.returncode == 0, restored.stderr
        # A second restore of the same target still waits for the first's lock (taken where it lives).
        with locks.AdvisoryLock(managed.url(marks.CONTROL), locks.database_key("shop_demo")) as first:
            assert first.try_acquire()
            one_sentence(invoke("snapshot.restore", "--from", str(built), "--database-url", target),
                         "Another restore or reset of shop_demo")
    finally:
        for conn in held:
            conn.close()
        with psycopg.connect(managed.url(), autocommit=True) as admin:
            admin.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC")


def test_a_busy_demo_names_who_from_the_tools_record(demos, managed):
    held = locks.take_or_refuse(managed.url(marks.CONTROL), "m_one", doing="resetting by carol")
    try:
        refused = invoke("demo.reset", "--name", "m_one", "--server", managed.url(), "--by", "dave")
        one_sentence(refused, "carol is resetting m_one")
        assert demos.show("m_one").busy_with == "resetting by carol"
    finally:
        held.release()


def test_a_password_changed_from_inside_is_found_and_put_back_by_repair(demos, managed):
    url = demos.demo_url("m_iso")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER ROLE m_iso PASSWORD 'mine-now'")
    report = upkeep.repair(demos, "m_iso", echo=quiet)
    assert report.repaired == ["m_iso"]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 0
