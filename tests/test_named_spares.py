"""A named demo's spare: a copy of its template made ahead of time after demo.new and each reset,
on a connection closed without waiting, that the next reset renames into place instead of copying.
Nobody can open it; drop and gc remove it, reaping leaves it alone; CPD_DEMO_SPARE_MAX_MB caps it."""

import time
from datetime import datetime, timezone

import psycopg
import pytest

from builder.named import spares, upkeep
from builder.postgres import conninfo, databases, work_databases
from tests.support.commands import invoke
from tests.support.postgres import one, snapshot_tables
from tests.support.project import named_server

NOW = datetime(2027, 3, 13, 15, 0, tzinfo=timezone.utc)


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def demos(pg, built):
    return named_server(pg.url())


def spares_of(admin: str, demo: str) -> list[str]:
    return databases.databases_like(admin, spares.of(demo))


def oid(admin: str, database: str) -> int | None:
    rows = databases.databases_like(admin, database)
    return one(admin, "SELECT oid::int FROM pg_database WHERE datname = %s", (database,)) if database in rows else None


def wait_for_spare(admin: str, demo: str, template: str, other_than: int | None = None, timeout: float = 60) -> int:
    """The spare's oid once it is visible (a CREATE DATABASE is atomic: then it is complete)."""
    spare = spares.name(demo, template)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = oid(admin, spare)
        if found is not None and found != other_than:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no spare {spare} appeared within {timeout} s")


def rows_of(admin: str, database: str) -> dict:
    """Every row of a database that accepts no connections (opened for the reading, closed again)."""
    ident = psycopg.sql.Identifier(database)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(ident))
    try:
        return snapshot_tables(conninfo.with_database(admin, database))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(ident))


@pytest.fixture(scope="module")
def one_demo(demos, built):
    return demos.new("sp_one", str(built), echo=quiet)


def test_the_spare_after_new_is_complete_and_nobody_can_open_it(demos, one_demo, pg):
    admin = demos.admin
    wait_for_spare(admin, "sp_one", one_demo.template)
    spare = spares.name("sp_one", one_demo.template)
    assert spare.startswith(databases.WORK_PREFIX) and len(spare) <= 63
    assert one(admin, "SELECT datallowconn FROM pg_database WHERE datname = %s", (spare,)) is False
    for url in (admin, demos.demo_url("sp_one")):  # not even the admin login, let alone the demo's
        with pytest.raises(psycopg.OperationalError, match="not currently accepting|permission denied"):
            psycopg.connect(conninfo.with_database(url, spare), connect_timeout=5).close()
    assert rows_of(admin, spare) == rows_of(admin, one_demo.template)
    # Reaping (a later command's, gc's) drops work databases whose maker's lock is free: never a spare.
    assert work_databases.reap(admin) == [] and spares_of(admin, "sp_one") == [spare]


def test_a_reset_takes_the_spare_and_orders_the_next_with_the_same_rows_as_a_copy(demos, one_demo, pg):
    admin, template = demos.admin, one_demo.template
    taken = wait_for_spare(admin, "sp_one", template)
    done = invoke("demo.reset", "--name", "sp_one", "--server", pg.url(), "--now", NOW.isoformat())
    assert done.returncode == 0, done.stderr
    assert oid(admin, "sp_one") == taken  # the spare itself, renamed into place: no copy waited for
    wait_for_spare(admin, "sp_one", template, other_than=taken)  # the next one, made after the command exited
    with psycopg.connect(demos.demo_url("sp_one")) as conn:  # the demo's login opens it, as after a copy
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 10
    from_spare = snapshot_tables(demos.at("sp_one"))
    # The same reset without a spare (a copy, as before) gives the same rows.
    assert spares.drop_others(admin, "sp_one") == [spares.name("sp_one", template)]
    demos.reset("sp_one", now=NOW, echo=quiet)
    from_copy = snapshot_tables(demos.at("sp_one"))
    assert from_spare.pop("cpd_demo_snapshot")[0][:4] == from_copy.pop("cpd_demo_snapshot")[0][:4]
    assert from_spare == from_copy


def test_a_reset_drops_the_spare_of_a_version_the_demo_left(demos, one_demo, pg):
    admin, template = demos.admin, one_demo.template
    current = wait_for_spare(admin, "sp_one", template)
    stale = spares.name("sp_one", "cpd_tpl_an_older_version")
    databases.create_database(admin, stale)
    demos.reset("sp_one", echo=quiet)
    assert oid(admin, stale) is None and oid(admin, "sp_one") == current


def test_gc_drops_spares_of_gone_demos_and_old_versions_and_drop_its_own(demos, one_demo, pg):
    admin, template = demos.admin, one_demo.template
    current = wait_for_spare(admin, "sp_one", template)
    ghost, old = spares.name("sp_ghost", template), spares.name("sp_one", "cpd_tpl_an_older_version")
    for name in (ghost, old):
        databases.create_database(admin, name)
    report = upkeep.gc(demos, echo=quiet)
    assert {ghost, old} <= set(report.work_databases)
    assert spares_of(admin, "sp_one") == [spares.name("sp_one", template)] and oid(admin, ghost) is None
    assert oid(admin, spares.name("sp_one", template)) == current
    demos.reset("sp_one", echo=quiet)  # orders the next spare, then the drop comes at once
    demos.drop("sp_one", echo=quiet)
    time.sleep(2)  # a spare still being made was stopped: none appears later
    assert spares_of(admin, "sp_one") == []


def test_no_spare_when_the_cap_is_zero(demos, built, pg, monkeypatch):
    monkeypatch.setenv("CPD_DEMO_SPARE_MAX_MB", "0")
    made = demos.new("sp_none", str(built), echo=quiet)
    demos.reset("sp_none", echo=quiet)
    time.sleep(2)
    assert spares_of(demos.admin, "sp_none") == [] and made.template
    demos.drop("sp_none", echo=quiet)


def test_a_managed_admin_login_takes_spares_too(managed, built):
    demos = named_server(managed.url())
    made = demos.new("sp_managed", str(built), echo=quiet)
    taken = wait_for_spare(demos.admin, "sp_managed", made.template)
    demos.reset("sp_managed", echo=quiet)
    assert oid(demos.admin, "sp_managed") == taken
    with psycopg.connect(demos.demo_url("sp_managed")) as conn:
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 10
    wait_for_spare(demos.admin, "sp_managed", made.template, other_than=taken)
    spare = spares.name("sp_managed", made.template)
    for url in (demos.admin, demos.demo_url("sp_managed")):
        with pytest.raises(psycopg.OperationalError, match="not currently accepting"):
            psycopg.connect(conninfo.with_database(url, spare), connect_timeout=5).close()
    demos.drop("sp_managed", echo=quiet)
    assert spares_of(demos.admin, "sp_managed") == []
