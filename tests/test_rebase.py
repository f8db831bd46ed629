"""rebase_dates.sql at many instants: invariants after, exact shifts, idempotence."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from builder.postgres import rebase, server
from tests.conftest import ANCHOR, one, query, snapshot_tables

ANCHOR_AT = datetime.fromisoformat(ANCHOR)
PLATFORM_TZ = ZoneInfo("America/New_York")
HISTORY = [("billing_invoice", "issued_at"), ("events_attendance", "joined_at"),
           ("events_registration", "registered_at"), ("engagement_feedback", "submitted_at"),
           ("credentials_certificate", "issued_at"), ("integrations_zoomwebhookevent", "occurred_at"),
           ("learning_quizattempt", "submitted_at"), ("accounts_user", "date_joined")]


def dated_columns(url):
    return query(url, """SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema='public' AND t.table_type='BASE TABLE'
          AND c.data_type IN ('timestamp with time zone', 'date')
          AND c.table_name NOT IN ('cpd_demo_snapshot', 'django_migrations', 'django_session')
        ORDER BY 1, 2""")


def column_values(url, columns):
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table, column, _ in columns:
            out[(table, column)] = conn.execute(f'SELECT id, "{column}" FROM "{table}" ORDER BY id').fetchall()
    return out


@pytest.fixture(scope="module")
def source(demo, dbs):
    url = demo[0]
    columns = dated_columns(url)
    return url, columns, column_values(url, columns)


def copy_of(dbs, url):
    dbs.count += 1
    name = f"rebase_{dbs.count}"
    server.create_database(dbs.pg.url(), name, template=url.rsplit("/", 1)[1])
    return dbs.pg.url(name)


CASES = {
    "an hour later": timedelta(hours=1),
    "13 hours later": timedelta(hours=13),
    "3 days later": timedelta(days=3),
    "400 days later": timedelta(days=400),
    "30 days before (across the March DST change)": timedelta(days=-30),
    "across the November DST change": datetime.fromisoformat("2026-11-01T06:30:00+00:00") - ANCHOR_AT,
    "a few minutes later, odd seconds": timedelta(minutes=7, seconds=13, microseconds=250_000),
}


@pytest.mark.parametrize("offset", CASES.values(), ids=CASES.keys())
def test_rebase_moves_everything_and_keeps_the_story(source, dbs, offset):
    src_url, columns, before = source
    url = copy_of(dbs, src_url)
    now = ANCHOR_AT + offset
    line = rebase.run(url, now)
    assert "rebased by" in line

    # Every timestamp by exactly the shift; every date by the calendar-day difference.
    days = (now.astimezone(PLATFORM_TZ).date() - ANCHOR_AT.astimezone(PLATFORM_TZ).date()).days
    after = column_values(url, columns)
    checked = 0
    for (table, column, kind) in columns:
        for (id_before, old), (id_after, new) in zip(before[(table, column)], after[(table, column)]):
            assert id_before == id_after
            if old is None:
                assert new is None
                continue
            expected = old + (timedelta(days=days) if kind == "date" else offset)
            assert new == expected, (table, column, id_before)
            checked += 1
    assert checked > 500

    # The story holds at `now`: A upcoming, C live, B and all history in the past.
    events = {t: (s, e) for t, s, e in query(url, "SELECT title, starts_at, ends_at FROM events_event")}
    flagship = [t for t in events if t.startswith("Future of Medicine ")]
    assert len(flagship) == 1
    a_start = events[flagship[0]][0]
    assert a_start > now
    assert flagship[0] == f"Future of Medicine {a_start.astimezone(ZoneInfo('America/New_York')).year}"
    assert one(url, "SELECT slug FROM events_event WHERE title LIKE 'Future%%'") == \
        f"future-of-medicine-{a_start.astimezone(ZoneInfo('America/New_York')).year}"
    assert events["Community Meetup"][0] <= now < events["Community Meetup"][1]
    assert events["Weekly Health Webinar"][1] < now
    for table, column in HISTORY:
        assert one(url, f"SELECT max({column}) FROM {table}") < now, table
    name, start = one(url, "SELECT name, period_start FROM accounts_cpdrequirement")
    assert name == f"Medical Board {start.year}"
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == now

    # Timestamps inside Zoom payloads moved with their rows.
    mismatched = one(url, """SELECT count(*) FROM integrations_zoomwebhookevent
        WHERE (payload->>'event_ts')::bigint <> (extract(epoch FROM occurred_at) * 1000)::bigint
           OR (event_type = 'meeting.participant_joined'
               AND (payload #>> '{payload,object,participant,join_time}')::timestamptz <> occurred_at)""")
    assert mismatched == 0

    # Whole-second values stay in Zoom's format; fractions appear only when the shift has them.
    sample = one(url, """SELECT payload #>> '{payload,object,participant,join_time}' FROM integrations_zoomwebhookevent
                         WHERE event_type = 'meeting.participant_joined' ORDER BY id LIMIT 1""")
    assert ("." in sample) == bool(offset.microseconds) and sample.endswith("Z")

    # Idempotent: a second run at the same now changes nothing at all.
    first = snapshot_tables(url)
    rebase.run(url, now)
    assert snapshot_tables(url) == first


def test_rebase_without_now_uses_the_clock(source, dbs):
    url = copy_of(dbs, source[0])
    before = datetime.now(ANCHOR_AT.tzinfo)
    rebase.run(url)
    anchor = one(url, "SELECT anchor_at FROM cpd_demo_snapshot")
    assert before - timedelta(seconds=1) <= anchor <= datetime.now(ANCHOR_AT.tzinfo) + timedelta(seconds=1)
    live = query(url, "SELECT title FROM events_event WHERE starts_at <= now() AND ends_at > now()")
    assert live == [("Community Meetup",)]


def test_rebase_refuses_a_database_without_snapshot_row(dbs):
    from builder.errors import UserError

    url = dbs.empty()
    with pytest.raises(UserError, match="not a CPD demo database"):
        rebase.run(url, datetime.fromisoformat("2027-01-01T00:00Z"))
