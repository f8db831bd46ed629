"""One thing moves as one, on a schema of the tests' own (neither the CPD demo's nor an example's): a
three-day conference running at the anchor (its own span, its dates, its talks through a foreign
key), a five-day workshop in wall-clock columns, a weekly series kept in a date column with
holidays, and what logs in. Restored at instants across DST, on a Saturday night, a year ahead,
before the anchor and at the anchor itself: every length, local start and the schedule's shape
hold, the conference is running or upcoming, whole, and nothing that logs in survives."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import pytest

from builder.errors import UserError
from builder.postgres import meta, rebase, schema
from builder.rules import Compiler
from tests.support.postgres import one, query

UTC = timezone.utc
NY, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")
ANCHOR = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York, before the US DST change

DDL = """
CREATE TABLE conference (id int PRIMARY KEY, title text, tz text NOT NULL, starts timestamptz, ends timestamptz,
                         date_from date, date_to date);
CREATE TABLE talk (id int PRIMARY KEY, conference_id int REFERENCES conference, "start" timestamptz, "end" timestamptz,
                   created timestamptz);
CREATE TABLE sale (id int PRIMARY KEY, conference_id int REFERENCES conference, opens timestamptz, closes timestamptz);
CREATE TABLE workshop (id int PRIMARY KEY, starts_at timestamp, ends_at timestamp);
CREATE TABLE meetup (id int PRIMARY KEY, day date NOT NULL, at time NOT NULL);
CREATE TABLE login_session (key text PRIMARY KEY, expire_date timestamptz);
CREATE TABLE reset_request (id int PRIMARY KEY, requested timestamptz, token text, expires timestamptz);
"""
RULES = {
    "tables": {"login_session": "purge"},
    "columns": {
        "conference.starts": {"shift": "weeks", "zone": "tz"}, "conference.ends": {"shift": "weeks", "zone": "tz"},
        "conference.date_from": "weeks", "conference.date_to": "weeks",
        "talk.start": {"shift": "weeks", "zone": "conference_id.tz"},
        "talk.end": {"shift": "weeks", "zone": "conference_id.tz"},
        "talk.created": "weeks",
        "sale.opens": {"shift": "weeks", "zone": "conference_id.tz"},
        "sale.closes": {"shift": "weeks", "zone": "conference_id.tz"},
        "workshop.starts_at": "weeks", "workshop.ends_at": "weeks",
        "meetup.day": "weeks",
        "reset_request.requested": "weeks", "reset_request.token": "null", "reset_request.expires": "expire",
    },
    "slots": {"table": "meetup", "span": ["day", "day"],
              "holidays": {"countries": ["US"], "only": ["Thanksgiving Day", "Christmas Day"]}},
}
RUNNING, PAST, UPCOMING = 1, 2, 3
# Where the data is restored: across the US DST change, a Saturday night, across November's, a year
# ahead, Christmas Eve before the anchor, a few minutes on, and three days on (mid-week).
INSTANTS = [datetime(2026, 3, 10, 12, 0, tzinfo=UTC), datetime(2026, 3, 15, 2, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2027, 3, 5, 20, 0, tzinfo=UTC),
            datetime(2025, 12, 24, 5, 0, tzinfo=UTC), ANCHOR + timedelta(minutes=7), ANCHOR + timedelta(days=3)]


def ny(*args):
    return datetime(*args, tzinfo=NY)


@pytest.fixture(scope="module")
def source(dbs):
    url = dbs.empty("together")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        conn.execute(DDL)
        # Tuesday 09:00 to Thursday 17:00 in New York: running at the anchor (Wednesday 10:00).
        conn.execute("INSERT INTO conference VALUES (%s, 'Summit', 'America/New_York', %s, %s, '2026-03-03', '2026-03-05'),"
                     " (%s, 'Old', 'Asia/Tokyo', %s, %s, '2026-02-10', '2026-02-11'),"
                     " (%s, 'Next', 'America/New_York', %s, %s, '2026-03-24', '2026-03-26')",
                     (RUNNING, ny(2026, 3, 3, 9), ny(2026, 3, 5, 17),
                      PAST, datetime(2026, 2, 10, 9, tzinfo=TOKYO), datetime(2026, 2, 11, 18, tzinfo=TOKYO),
                      UPCOMING, ny(2026, 3, 24, 9), ny(2026, 3, 26, 17)))
        talks = [(1, RUNNING, ny(2026, 3, 3, 9), ny(2026, 3, 3, 10)), (2, RUNNING, ny(2026, 3, 3, 14), ny(2026, 3, 3, 15)),
                 (3, RUNNING, ny(2026, 3, 4, 9, 30), ny(2026, 3, 4, 10, 30)),  # on at the anchor
                 (4, RUNNING, ny(2026, 3, 4, 13), ny(2026, 3, 4, 14)), (5, RUNNING, ny(2026, 3, 5, 11), ny(2026, 3, 5, 17)),
                 (6, UPCOMING, ny(2026, 3, 24, 9), ny(2026, 3, 24, 10))]
        conn.execute("INSERT INTO talk SELECT id, c, s, e, timestamptz '2026-02-02 12:00Z' FROM "
                     "unnest(%s::int[], %s::int[], %s::timestamptz[], %s::timestamptz[]) AS x(id, c, s, e)",
                     [list(col) for col in zip(*talks, strict=True)])
        # The upcoming conference's early-bird sale ended two days before the anchor: not inside its conference.
        conn.execute("INSERT INTO sale VALUES (1, %s, %s, %s)", (UPCOMING, ny(2026, 2, 1, 10), ny(2026, 3, 2, 23, 59)))
        # Monday 08:00 to Friday 17:00 of the platform's wall clock.
        conn.execute("INSERT INTO workshop VALUES (1, '2026-03-02 08:00', '2026-03-06 17:00')")
        # A Thursday series, ten weeks either side of the anchor, kept as a date and a time of day, with
        # no meetup on Christmas Day (as its scenario would make it).
        conn.execute("INSERT INTO meetup SELECT n, date '2026-03-05' + 7 * n, '18:30' FROM generate_series(-10, 9) n "
                     "WHERE date '2026-03-05' + 7 * n <> '2025-12-25'")
        conn.execute("INSERT INTO login_session VALUES ('organiser', %s)", (ANCHOR + timedelta(days=14),))
        conn.execute("INSERT INTO reset_request VALUES (1, %s, 'a-secret-link', %s)",
                     (ANCHOR - timedelta(hours=1), ANCHOR + timedelta(hours=23)))
    rules, undeclared = Compiler(RULES, schema.read(url), "rules").compile(skip_tables=meta.TABLES)
    assert [c.key for c in undeclared] == []
    meta.write(url, meta.Snapshot("", "together", 1, 1, ANCHOR, ANCHOR, ANCHOR, None, "America/New_York", ""), rules)
    return url


def wall(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def shape(url: str) -> dict:
    """What must hold at every instant, in each row's own wall clock: lengths, weekdays, times of day,
    each talk's place in its conference."""
    out = {}
    for cid, tz, starts, ends, date_from, date_to in query(url, "SELECT id, tz, starts, ends, date_from, date_to "
                                                                "FROM conference ORDER BY id"):
        zone = ZoneInfo(tz)
        out[f"conference {cid}"] = (wall(ends, zone) - wall(starts, zone), wall(starts, zone).strftime("%a %H:%M"),
                                    date_to - date_from, date_from == wall(starts, zone).date())
        for tid, start, end in query(url, 'SELECT id, "start", "end" FROM talk WHERE conference_id = %s ORDER BY id',
                                     (cid,)):
            out[f"talk {tid}"] = (wall(start, zone) - wall(starts, zone), wall(end, zone) - wall(start, zone))
    starts_at, ends_at = query(url, "SELECT starts_at, ends_at FROM workshop")[0]
    out["workshop"] = (ends_at - starts_at, starts_at.strftime("%a %H:%M"))
    return out


@pytest.fixture(scope="module")
def restored(source, dbs):
    """A copy of the source rebased to each instant."""
    out = {}
    for now in INSTANTS:
        url = dbs.copy(source, "together_at")
        rebase.run(url, now)
        out[now] = url
    return out


def test_the_source_is_what_it_says(source):
    assert shape(source)["conference 1"] == (timedelta(days=2, hours=8), "Tue 09:00", timedelta(days=2), True)
    assert one(source, 'SELECT count(*) FROM talk WHERE "start" <= %s AND "end" > %s', (ANCHOR, ANCHOR)) == 1


@pytest.mark.parametrize("now", INSTANTS, ids=lambda n: n.strftime("%Y-%m-%dT%H:%M"))
def test_every_length_local_start_and_the_schedule_hold(source, restored, now):
    assert shape(restored[now]) == shape(source)


@pytest.mark.parametrize("now", INSTANTS, ids=lambda n: n.strftime("%Y-%m-%dT%H:%M"))
def test_a_thing_running_at_the_anchor_is_running_or_upcoming_whole(restored, now):
    url = restored[now]
    starts, ends = query(url, "SELECT starts, ends FROM conference WHERE id = %s", (RUNNING,))[0]
    assert ends > now, (starts, ends, now)
    assert one(url, 'SELECT max("end") FROM talk WHERE conference_id = %s', (RUNNING,)) > now
    starts_at, ends_at = query(url, "SELECT starts_at, ends_at FROM workshop")[0]
    assert ends_at > wall(now, NY)
    # What was over stays over; what was to come is still to come.
    assert one(url, "SELECT ends FROM conference WHERE id = %s", (PAST,)) < now
    assert one(url, "SELECT starts FROM conference WHERE id = %s", (UPCOMING,)) > now
    # A talk's creation is history of its own: it stays in the past whatever its conference does; so is
    # a sale that ended before its conference began: it stays over.
    assert one(url, "SELECT max(created) FROM talk") < now
    assert one(url, "SELECT closes FROM sale") < now


def test_the_weekly_series_in_a_date_column_has_every_week_and_skips_thanksgiving(restored):
    """Four weeks before Thanksgiving (a Thursday): every Thursday around now has its meetup but the
    holiday, and the series keeps its nineteen."""
    url = restored[datetime(2026, 11, 1, 6, 30, tzinfo=UTC)]
    days = [d for (d,) in query(url, "SELECT day FROM meetup ORDER BY day")]
    assert len(days) == 19 and all(d.weekday() == 3 for d in days)
    gaps = [b - a for a, b in zip(days, days[1:], strict=False)]
    thanksgiving = date(2026, 11, 26)
    assert thanksgiving not in days and days[0] < thanksgiving < days[-1]
    assert gaps.count(timedelta(days=14)) == 1 and gaps.count(timedelta(days=7)) == 17
    assert one(url, "SELECT count(DISTINCT at) FROM meetup") == 1  # the time of day beside the date stays


def test_nothing_that_logs_in_survives_a_restore_at_the_anchor(source, dbs):
    url = dbs.copy(source, "together_zero")
    report = rebase.run(url, ANCHOR)
    assert "rebased by 00:00:00" in report
    assert one(url, "SELECT count(*) FROM login_session") == 0
    assert one(url, "SELECT token FROM reset_request") is None
    for table in ("conference", "talk", "workshop", "meetup"):  # nothing else moved
        assert query(url, f"SELECT * FROM {table} ORDER BY 1") == query(source, f"SELECT * FROM {table} ORDER BY 1")
    assert "rebased by 00:00:00" in rebase.run(url, ANCHOR)  # and again: nothing left to remove


def test_back_to_the_anchor_restores_every_row_exactly(restored, source, dbs):
    for now in INSTANTS[:4]:
        url = dbs.copy(restored[now], "together_back")
        rebase.run(url, ANCHOR)
        for table in ("conference", "talk", "sale", "workshop", "meetup"):
            assert query(url, f"SELECT * FROM {table} ORDER BY 1") == query(source, f"SELECT * FROM {table} ORDER BY 1"), \
                (table, now)


def test_the_spans_and_the_group_are_found_and_listed(source):
    compiler = Compiler(RULES, schema.read(source), "rules")
    rules, _ = compiler.compile(skip_tables=meta.TABLES)
    by = {(r.table_name, r.column_name): r for r in rules if r.kind == "weekly"}
    assert by[("talk", "start")].span == "start..end" and by[("talk", "start")].belongs_to == "conference_id"
    assert by[("conference", "date_from")].span == "date_from..date_to" and not by[("conference", "date_from")].belongs_to
    assert by[("workshop", "ends_at")].span == "starts_at..ends_at"
    assert not by[("talk", "created")].span and not by[("talk", "created")].pivot_sql
    assert by[("talk", "end")].update_rank > by[("conference", "ends")].update_rank
    lines = compiler.together.lines()
    assert "group: talk rows keep their place in the conference they belong to (by conference_id, where inside it)" in lines
    assert "group: sale rows keep their place in the conference they belong to (by conference_id, where inside it)" in lines
    assert "span: conference.starts .. ends" in lines


def test_a_rebase_error_names_its_rule(source, dbs):
    url = dbs.copy(source, "together_broken")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE cpd_demo_rule SET zone_sql = 'no_such_column' WHERE table_name = 'talk' AND column_name = 'end'")
    with pytest.raises(UserError) as failed:
        rebase.run(url, INSTANTS[0])
    message = str(failed.value)
    assert "talk" in message and "end weekly" in message and "no_such_column" in message
    assert "\n" not in message
