"""rebase_dates.sql at many instants: demo.check passes, the calendar survives, round trip and
idempotence are exact, one transaction, tables named by oid, rules cover every dated column."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import pytest

from builder.clock import parse_instant
from builder.errors import UserError
from builder.postgres import binaries, clients, databases, rebase
from tests.support.postgres import one, query, snapshot_tables
from tests.support.project import ANCHOR_AT, CPD, checks

# The instants a sales engineer meets (local = America/New_York, the platform's timezone).
INSTANTS = {
    "03:10 at night": "2026-11-25T03:10:00-05:00",
    "a Saturday afternoon": "2026-11-28T15:30:00-05:00",
    "the day before spring DST": "2027-03-13T12:00:00-05:00",
    "the day after spring DST": "2027-03-15T12:00:00-04:00",
    "the day before autumn DST": "2026-10-31T10:00:00-04:00",
    "the day after autumn DST": "2026-11-02T10:00:00-05:00",
    "a year ahead": "2027-11-24T21:40:00-05:00",
    "a month before the anchor": "2026-02-13T09:00:00-05:00",
    "seven minutes later, odd seconds": "2026-03-15T14:37:13.250000+00:00",
    "years ahead, at midnight": "2031-02-28T23:59:59+00:00",
    "exactly five weeks later": "2026-04-19T10:30:00-04:00",
    # Where a buyer finds what a real platform never shows (holidays, the series' own slot, night).
    "Thanksgiving afternoon": "2026-11-26T15:00:00-05:00",
    "Christmas Eve morning": "2026-12-24T09:30:00-05:00",
    "Christmas Day": "2026-12-25T11:00:00-05:00",
    "New Year's Day": "2027-01-01T10:00:00-05:00",
    "10 November (the flagship's Christmas Eve)": "2026-11-10T10:00:00-05:00",
    "12 October (the flagship's Thanksgiving)": "2026-10-12T10:00:00-04:00",
    "Sunday 03:00 Eastern": "2026-12-06T03:00:00-05:00",
    "a date only": "2027-02-09",
    "an ordinary Tuesday": "2027-02-09T11:00:00-05:00",
    "the evening before July 4th": "2027-07-03T19:00:00-04:00",
    "Thursday 12:30, in the series' own slot": "2027-02-11T12:30:00-05:00",
    "Thursday 18:30, the episode just settled": "2027-02-11T18:30:00-05:00",
}
RESULTS: dict[str, tuple] = {}


def calendar(url):
    """Every event and session but the live one: local weekday, wall-clock start and end, in the event's zone."""
    return query(url, """
        SELECT 'event ' || e.id, to_char(e.starts_at AT TIME ZONE e.timezone, 'Dy HH24:MI:SS'),
               to_char(e.ends_at AT TIME ZONE e.timezone, 'Dy HH24:MI:SS')
          FROM events_event e WHERE e.status <> 'live'
        UNION ALL
        SELECT 'session ' || s.id, to_char(s.starts_at AT TIME ZONE e.timezone, 'Dy HH24:MI:SS'),
               to_char(s.ends_at AT TIME ZONE e.timezone, 'Dy HH24:MI:SS')
          FROM events_session s JOIN events_event e ON e.id = s.event_id WHERE e.status <> 'live'
        ORDER BY 1""")


@pytest.fixture(scope="module")
def source(demo):
    return demo[0]


@pytest.fixture(scope="module", params=list(INSTANTS), ids=list(INSTANTS))
def rebased(request, source, dbs):
    now = parse_instant(INSTANTS[request.param], zone=CPD.timezone)
    url = dbs.copy(source, "rebase")
    line = rebase.run(url, now)
    return url, now, line


def test_demo_check_passes(rebased):
    url, now, line = rebased
    # The shift to the second with its sign, both anchors in UTC: one line a person can read.
    assert re.fullmatch(r"cpd-demo \S+: rebased by [+-](\d+ days?|(\d+ days? )?\d\d:\d\d:\d\d) \(anchor "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ -> \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)", line), line
    assert line.endswith(f"-> {now:%Y-%m-%d %H:%M:%S}Z)")
    when, results = checks(url)
    assert when == now
    assert [r.line() for r in results if not r.ok] == []
    assert len(results) >= 25


def test_the_calendar_survives(rebased, source):
    url, now, _ = rebased
    assert calendar(url) == calendar(source)
    live = one(url, "SELECT json_build_array(starts_at, ends_at) FROM events_event WHERE status = 'live'")
    starts, ends = (datetime.fromisoformat(t) for t in live)
    assert starts <= now < ends and starts.minute % 15 == 0 and ends.minute % 15 == 0 and starts.second == 0


def test_durations_and_orderings_within_each_thing_hold(rebased, source):
    url, _, _ = rebased
    durations = """SELECT id, ends_at - starts_at FROM events_session ORDER BY id"""
    assert query(url, durations) == query(source, durations)
    # Sessions inside their event; attendance near its session; registrations before the event starts.
    assert one(url, """SELECT count(*) FROM events_session s JOIN events_event e ON e.id = s.event_id
                        WHERE s.starts_at < e.starts_at OR s.ends_at > e.ends_at""") == 0
    assert one(url, """SELECT count(*) FROM events_attendance a JOIN events_session s ON s.id = a.session_id
                        WHERE a.joined_at < s.starts_at - interval '1 hour'
                           OR a.joined_at > s.ends_at""") == 0
    assert one(url, """SELECT count(*) FROM events_registration r JOIN events_event e ON e.id = r.event_id
                        WHERE r.registered_at >= e.starts_at""") == 0
    # A subscription's invoices keep their order, one a month, on the billing day.
    order = "SELECT id FROM billing_invoice ORDER BY subscription_id, period_start"
    assert query(url, order) == query(source, order)


def test_idempotent_and_the_round_trip_is_exact(rebased, source, dbs):
    url, now, _ = rebased
    twice = dbs.copy(url, "twice")
    before = snapshot_tables(twice)
    rebase.run(twice, now)
    assert snapshot_tables(twice) == before
    assert "rebased by 00:00:00" in rebase.run(twice, now)
    back = dbs.copy(url, "back")
    rebase.run(back, ANCHOR_AT)
    original, returned = snapshot_tables(source), snapshot_tables(back)
    for table in original:
        if table != "cpd_demo_snapshot":
            assert returned[table] == original[table], table
    assert one(back, "SELECT anchor_at FROM cpd_demo_snapshot") == ANCHOR_AT


def test_every_dated_column_of_the_platform_has_a_rule(source):
    dated = set(query(source, """
        SELECT c.table_name, c.column_name FROM information_schema.columns c
          JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date')
           AND c.table_name NOT LIKE 'django%%' AND c.table_name NOT LIKE 'auth%%'
           AND c.table_name NOT IN ('cpd_demo_snapshot')"""))
    ruled = set(query(source, "SELECT table_name, column_name FROM cpd_demo_rule "
                              "WHERE kind IN ('weekly', 'monthly', 'yearly')"))
    assert dated and dated <= ruled, dated - ruled


def test_the_scenario_anchor_is_recorded_and_a_build_is_a_rebase_of_it(source):
    assert one(source, "SELECT scenario_anchor_at FROM cpd_demo_snapshot") == CPD.scenario.fixed_anchor()
    assert one(source, "SELECT anchor_at FROM cpd_demo_snapshot") == ANCHOR_AT


def test_one_transaction_a_failure_midway_changes_nothing(source, dbs):
    url = dbs.copy(source, "atomic")
    # A constraint the shift will break in the last tables the rebase visits.
    with databases.connect(url) as conn:
        conn.execute("ALTER TABLE marketing_promocode ADD CONSTRAINT until_2029 CHECK (valid_from < '2029-01-01')")
    before = snapshot_tables(url)
    with pytest.raises(UserError, match="until_2029"):
        rebase.run(url, datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert snapshot_tables(url) == before


def test_tables_are_named_by_oid_not_through_search_path(source, dbs):
    """A temporary table shadowing a real one (pg_temp comes first in search_path) is never updated."""
    url = dbs.copy(source, "shadow")
    body = rebase.sql_parts()[0]
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TEMP TABLE events_event (LIKE public.events_event INCLUDING ALL)")
        conn.execute("INSERT INTO pg_temp.events_event SELECT * FROM public.events_event")
        shadow = conn.execute("SELECT starts_at FROM pg_temp.events_event ORDER BY id").fetchall()
        conn.execute("SELECT set_config('cpd_demo.now', '2027-06-01T12:00Z', true)")
        conn.execute(body)
        assert conn.execute("SELECT starts_at FROM pg_temp.events_event ORDER BY id").fetchall() == shadow
        conn.commit()
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == datetime(2027, 6, 1, 12, tzinfo=timezone.utc)
    assert query(url, "SELECT starts_at FROM events_event ORDER BY id") != [tuple(r) for r in shadow]


def test_rebase_without_now_uses_the_clock(source, dbs):
    url = dbs.copy(source, "clock")
    before = datetime.now(timezone.utc)
    rebase.run(url)
    anchor = one(url, "SELECT anchor_at FROM cpd_demo_snapshot")
    assert before - timedelta(seconds=1) <= anchor <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert query(url, "SELECT title FROM events_event WHERE starts_at <= now() AND ends_at > now()") == \
        [("Community Meetup",)]


@pytest.mark.parametrize("now", ["tomorrow", "garbage", "2027-13-45"])
def test_a_bad_now_is_refused_by_the_sql_itself(source, dbs, now):
    """The image passes CPD_DEMO_NOW straight to the SQL: it refuses words and nonsense too."""
    url = dbs.copy(source, "badnow")
    before = snapshot_tables(url)
    with pytest.raises(UserError, match="date rebase failed"):
        clients._run([binaries.require("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"now={now}", "-f",
                    str(clients.REBASE_SQL), "--dbname", url], "The date rebase", url)
    assert snapshot_tables(url) == before


def test_rebase_refuses_a_database_without_snapshot_row(dbs):
    with pytest.raises(UserError, match="not a demo database"):
        rebase.run(dbs.empty(), datetime(2027, 1, 1, tzinfo=timezone.utc))


def test_the_live_meetup_keeps_its_start_through_a_day_of_rebases_and_moves_to_where_it_is_day(source, dbs):
    """keep-live every 15 minutes: the meetup's start stays put while it still runs for half an hour
    more; at 03:00 in New York it is a breakfast meetup in London, at 22:30 an evening one in Sydney."""
    url = dbs.copy(source, "live_day")
    meetup = "SELECT starts_at, ends_at, timezone, venue FROM events_event WHERE status = 'live'"
    day = datetime(2026, 12, 1, 19, 0, tzinfo=timezone.utc)  # a Tuesday, 14:00 in New York
    rebase.run(url, day)
    first = one(url, meetup)
    for minutes in (15, 30, 60):
        rebase.run(url, day + timedelta(minutes=minutes))
        assert one(url, meetup) == first  # one start time while it is still live
    rebase.run(url, day + timedelta(minutes=105))  # its last half hour: the next one, around now
    assert one(url, meetup)[0] > first[0]
    for instant, zone in (("2026-12-06T08:00Z", "Europe/London"), ("2026-12-07T03:30Z", "Australia/Sydney")):
        now = parse_instant(instant, zone="UTC")
        rebase.run(url, now)
        starts, ends, where, venue = one(url, meetup)
        local = starts.astimezone(ZoneInfo(where))
        assert where == zone and 7 <= local.hour and ends.astimezone(ZoneInfo(where)).hour <= 23 and starts <= now < ends
        assert zone.split("/")[1] in venue
    rebase.run(url, ANCHOR_AT)  # and back where it was built: Springfield, as before
    assert query(url, meetup) == query(source, meetup)
