"""Named demos on a real server: two demos side by side, isolation, reset, a session open during a
reset, ttl and gc that never touch a foreign database, drop, prospect tailoring, keep-live."""

import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from builder.named import keep_live, spares, upkeep
from builder.named.names import TEMPLATE_PREFIX
from builder.postgres import conninfo, databases
from builder.postgres.marks import CONTROL
from cpd_events_demo.checks.believable import BUYER_TEXT
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, query, work_databases_on
from tests.support.project import checks, named_server


@pytest.fixture(scope="module")
def demos(pg, built):
    return named_server(pg.url())


def quiet(*_):
    pass


def test_two_demos_each_with_its_own_login_and_nothing_else(demos, built, pg):
    acme = demos.new("acme", str(built), prospect="Acme Health", color="#0f766e", echo=quiet)
    globex = demos.new("globex", str(built), echo=quiet)
    assert acme.prospect == "Acme Health" and globex.prospect == "" and acme.version == globex.version
    acme_url, globex_url = demos.demo_url("acme"), demos.demo_url("globex")
    assert conninfo.params(acme_url)["user"] == "acme" and conninfo.params(acme_url)["password"]
    with psycopg.connect(acme_url) as conn:
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 10
        conn.execute("UPDATE marketing_contact SET first_name = 'Changed' WHERE id = 1")
    spare = spares.name("globex", globex.template)  # globex's copy made ahead of time, once it is there
    deadline = time.monotonic() + 60
    while spare not in databases.databases_like(demos.admin, spare) and time.monotonic() < deadline:
        time.sleep(0.1)
    for other in ("globex", CONTROL, acme.template, "postgres", "template1", spare):
        other = conninfo.with_database(acme_url, other)
        with pytest.raises(psycopg.OperationalError, match="permission denied|not currently accepting|pg_hba"):
            psycopg.connect(other, connect_timeout=5).close()
    # The template stays pristine; the other demo never saw acme's change.
    assert one(globex_url, "SELECT first_name FROM marketing_contact WHERE id = 1") != "Changed"
    assert acme.template.startswith(TEMPLATE_PREFIX) and acme.template == globex.template


def test_a_reset_keeps_one_connection_for_its_short_steps(demos, monkeypatch):
    """Its locks keep their own (closing one releases it), the copy its own; the rest share two."""
    opened: list[str] = []
    original = psycopg.connect

    def counting(url, *args, **kwargs):
        opened.append(conninfo.database_name(url))
        return original(url, *args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counting)
    demos.reset("globex", echo=quiet)
    # The demo's lock, the template's, the budget's, the two work databases' locks, the copy being
    # rebased, the next spare's maker (closed without waiting); one to the maintenance database and
    # one to the registry for everything else.
    assert len(opened) <= 9, opened
    assert opened.count("postgres") <= 4 and opened.count(CONTROL) <= 4, opened
    # A step inside another's transaction gets a connection of its own; the outer one goes on.
    with databases.kept_open(demos.admin):
        with databases.connect(demos.admin) as outer, outer.transaction():
            outer.execute("SELECT 1")
            with databases.connect(demos.admin) as inner:
                assert inner.info.backend_pid != outer.info.backend_pid
            outer.execute("SELECT 2")
        with databases.connect(demos.admin) as again:
            assert again.info.backend_pid == outer.info.backend_pid
    assert outer.closed


def test_prospect_tailoring_speaks_the_prospects_name_and_the_plan_still_checks(demos):
    url = demos.at("acme")
    org, headline = one(url, """SELECT json_build_array(p.organization, p.headline) FROM accounts_profile p
                                JOIN accounts_user u ON u.id = p.user_id WHERE u.email = 'organizer.pro@example.com'""")
    assert (org, headline) == ("Acme Health", "Director of CME at Acme Health")
    assert query(url, "SELECT name, primary_color FROM credentials_certificatetemplate WHERE owner_id IS NOT NULL "
                      "AND name LIKE 'Acme%%'") == [("Acme Health Standard Certificate", "#0f766e")]
    assert {r[0] for r in query(url, "SELECT organization FROM marketing_contactlist")} == {"Acme Health"}
    assert one(url, "SELECT prospect FROM cpd_demo_snapshot") == "Acme Health"
    # Her bio and her speaker entry too; and nothing else a buyer reads changed (the untailored demo beside it).
    assert "clinicians at Acme Health." in one(url, "SELECT bio FROM accounts_profile WHERE organization = 'Acme Health'")
    assert one(url, "SELECT headline FROM events_speaker WHERE name = 'Dr. Sarah Chen'") == "Director of CME at Acme Health"
    changed = set()
    for table, column in BUYER_TEXT:
        text = f"SELECT id, {column} FROM {table} ORDER BY id"
        changed |= {f"{table}.{column}" for a, b in zip(query(url, text), query(demos.at("globex"), text), strict=True)
                    if a != b}
    assert changed == {"accounts_profile.organization", "accounts_profile.headline", "accounts_profile.bio",
                       "events_speaker.headline", "credentials_certificatetemplate.name",
                       "marketing_contactlist.organization"}
    _, results = checks(url)
    assert [r.line() for r in results if not r.ok] == []


def test_reset_brings_deleted_rows_back_rebased_and_ends_open_sessions(demos):
    url = demos.demo_url("acme")
    before = one(url, "SELECT count(*) FROM events_registration")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM events_attendance")
        conn.execute("DELETE FROM events_registration")
    assert one(url, "SELECT count(*) FROM events_registration") == 0
    open_session = psycopg.connect(url, autocommit=True)
    now = datetime(2027, 3, 13, 15, 0, tzinfo=timezone.utc)
    done = demos.reset("acme", now=now, echo=quiet)  # nothing printed: the count is the result's own
    reset = demos.show("acme")
    assert reset.anchor_at == now == done.demo.anchor_at and reset.reset_at is not None
    assert done.ended_sessions == 1 and not done.moved, done
    assert "ended 1 open session(s): its clients must reconnect" in done.notes
    with pytest.raises(psycopg.OperationalError):
        open_session.execute("SELECT 1")
    open_session.close()
    assert one(url, "SELECT count(*) FROM events_registration") == before
    assert one(url, "SELECT organization FROM marketing_contactlist LIMIT 1") == "Acme Health"  # tailored again
    assert work_databases_on(demos.admin) == []


def test_keep_live_advances_the_anchor_while_a_client_stays_connected(demos):
    url = demos.demo_url("globex")
    with psycopg.connect(url, autocommit=True) as client:
        first = client.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
        assert keep_live.run(demos, timedelta(seconds=1), rounds=2, echo=quiet) == 2
        later = client.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
        assert later > first and client.execute("SELECT 1").fetchone() == (1,)
    _, results = checks(demos.at("globex"))
    assert [r.line() for r in results if not r.ok] == []


def test_ttl_and_gc_drop_only_what_the_tool_made(demos, built, pg):
    demos.new("shortlived", str(built), ttl=timedelta(seconds=1), echo=quiet)
    databases.create_database(pg.url(), "foreign_app")
    databases.create_database(pg.url(), "cpd_template_not_ours")
    with databases.connect(demos.at(CONTROL)) as conn:  # a hostile registry row pointing at a foreign database
        conn.execute("INSERT INTO template (name, version, source) VALUES ('foreign_app', 'x', 'x')")
    time.sleep(1.2)
    report = upkeep.gc(demos, echo=quiet)
    dropped = report.demos + report.templates
    assert "shortlived" in dropped and "foreign_app" not in dropped and "shortlived" in report.logins
    for name in ("foreign_app", "cpd_template_not_ours", "acme", "globex"):
        assert databases.database_exists(pg.url(), name), name
    assert not databases.database_exists(pg.url(), "shortlived")
    assert one(pg.url(), "SELECT count(*) FROM pg_roles WHERE rolname = 'shortlived'") == 0


def test_drop_removes_the_demo_and_its_login_and_then_gc_its_unused_template(demos, pg):
    template = demos.show("globex").template
    demos.drop("globex", echo=quiet)
    demos.drop("acme", echo=quiet)
    for name in ("acme", "globex"):
        assert not databases.database_exists(pg.url(), name)
        assert one(pg.url(), "SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,)) == 0
    assert template in upkeep.gc(demos, echo=quiet).templates and not databases.database_exists(pg.url(), template)


def test_the_cli_names_validated_and_one_sentence(built, pg):
    url = pg.url()
    base = ("--server", url, "--from", str(built))
    one_sentence(invoke("demo.new", "--name", "Bad-Name", *base), "Demo names are lowercase letters")
    one_sentence(invoke("demo.new", "--name", "x" * 64, *base), "Demo names are lowercase letters")
    one_sentence(invoke("demo.new", "--name", "template1", *base), "server's own databases")
    one_sentence(invoke("demo.new", "--name", "foreign_app", *base), "was not made by demo.new")
    one_sentence(invoke("demo.new", "--name", "ok_name", *base, "--ttl", "soon"), "--ttl 'soon' is not a duration")
    one_sentence(invoke("demo.new", "--name", "ok_name", *base, "--prospect-color", "blue"), "--prospect-color")
    one_sentence(invoke("demo.reset", "--name", "nosuch", "--server", url), "There is no demo named nosuch")
    one_sentence(invoke("demo.drop", "--name", "foreign_app", "--server", url), "There is no demo named foreign_app")
    made = invoke("demo.new", "--name", "cli_demo", *base, "--prospect", "Globex Care")
    assert made.returncode == 0, made.stderr
    assert "demo cli_demo for Globex Care" in made.stdout and "password" in made.stdout
    secret = conninfo.params(invoke("demo.url", "--name", "cli_demo", "--server", url).stdout.splitlines()[-1])
    assert secret["user"] == "cli_demo" and secret["password"] not in made.stdout
    listed = invoke("demo.list", "--server", url)
    assert listed.returncode == 0 and "cli_demo" in listed.stdout and "Globex Care" in listed.stdout
    assert invoke("demo.drop", "--name", "cli_demo", "--server", url).returncode == 0
