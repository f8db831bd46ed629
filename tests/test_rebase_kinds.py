"""Every rule kind on a schema the CPD demo does not have, rebased for real: shifts in the row's own
timezone across DST (a column, the row it points at, a named zone), days, expire, null, purge,
quiesce, JSON in every ISO form and epoch values, year tokens; tables with a uuid, composite or no
primary key, in another schema, partitioned, with a generated column, a user trigger and a check
over two dates. And the round trip back to the anchor."""

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from builder.errors import UserError
from builder.postgres import databases, meta, rebase, schema
from builder.rules import Compiler
from builder.snapshot.restore import check_counts
from tests.support.postgres import one, query

UTC = timezone.utc
ANCHOR = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday, before both DST changes
NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")

DDL = """
CREATE SCHEMA shop;
CREATE TABLE venue (id bigint PRIMARY KEY, tz text NOT NULL);
CREATE TABLE zone_setting (venue_id bigint, key text, value text);
CREATE TABLE show (id uuid PRIMARY KEY, venue_id bigint REFERENCES venue, title text, status text,
                   starts timestamptz, ends timestamptz, gates jsonb, doors jsonb, CHECK (starts < ends));
CREATE TABLE ticket (show_id uuid REFERENCES show, seat int, sold timestamptz, PRIMARY KEY (show_id, seat));
CREATE TABLE token (key text, expires timestamptz, used timestamptz);  -- no primary key
CREATE TABLE session (key text PRIMARY KEY, expire_date timestamptz);
CREATE TABLE outbox (id serial PRIMARY KEY, send_at timestamptz, state text);
CREATE TABLE retry (id serial PRIMARY KEY, due timestamptz);
CREATE TABLE hook (id serial PRIMARY KEY, at timestamptz, body jsonb, raw text, day date);
CREATE TABLE shop."order" (id bigint, placed timestamptz, placed_day date GENERATED ALWAYS AS
                           ((placed AT TIME ZONE 'UTC')::date) STORED) PARTITION BY RANGE (id);
CREATE TABLE shop.order_a PARTITION OF shop."order" FOR VALUES FROM (0) TO (100);
CREATE TABLE shop.order_b PARTITION OF shop."order" FOR VALUES FROM (100) TO (200);
CREATE TABLE audit (n int);
CREATE FUNCTION audit_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (1); RETURN NEW; END $$;
CREATE TRIGGER audit_show AFTER UPDATE ON show FOR EACH ROW EXECUTE FUNCTION audit_it();
"""
RULES = {
    "tables": {"session": "purge",
               "outbox": {"quiesce": "send_at", "when": "state = 'queued'", "set": {"state": "cancelled"}},
               "retry": {"quiesce": "due", "delete": True},
               "audit": "bookkeeping"},
    "columns": {
        "show.starts": {"shift": "weeks", "zone": "venue_id.tz"},
        "show.ends": {"shift": "weeks", "zone": "venue_id.tz"},
        "show.title": {"year_of": "starts", "pattern": r"^(Gala )\d+$", "zone": "venue_id.tz"},
        # Documents no column dates: each time moves as a weeks (days) rule would move it, in the show's zone.
        "show.gates": {"json": "weeks", "zone": "venue_id.tz"},
        "show.doors": {"json": "days", "zone": "venue_id.tz", "paths": [["epoch"], ["day"]]},
        "retry.due": "weeks",
        "ticket.sold": {"shift": "weeks", "zone": "venue(show_id.venue_id)"},
        "token.expires": "expire", "token.used": "null",
        "session.expire_date": "weeks", "outbox.send_at": "weeks",
        "hook.at": "weeks", "hook.day": "days",
        "hook.body": {"json": "at", "paths": [["z"], ["plus"], ["offset"], ["naive"], ["day"], ["frac"], ["ms"], ["s"],
                                              ["deep", "0", "when"]]},
        "hook.raw": {"json": "at"},
        "shop.order.placed": "weeks",
    },
    "zones": {"venue": "(SELECT value FROM zone_setting WHERE venue_id = {id} AND key = 'tz')"},
    "live": {"roots": ["show: starts <= {anchor} AND ends > {anchor}"], "follow": ["ticket.show_id"]},
}
GALA, LIVE, OLD = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b", \
    "00000000-0000-0000-0000-00000000000c"


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


@pytest.fixture(scope="module")
def source(dbs):
    url = dbs.empty("kinds")
    with psycopg_conn(url) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")  # a schema of its own, not the platform's
        conn.execute(DDL)
        conn.execute("INSERT INTO venue VALUES (1, 'America/New_York'), (2, 'Europe/Berlin')")
        conn.execute("INSERT INTO zone_setting VALUES (1, 'tz', 'America/New_York'), (2, 'tz', 'Europe/Berlin')")
        # A Thursday 09:00 gala in New York, seven weeks on (after the US DST change, before Europe's),
        # with its gate times in every form, one announced before the anchor, and a time of day.
        gates = {"open": "2026-04-23T12:00:00Z", "close": "2026-04-23T21:00:00+00:00", "announced": "2026-02-10T15:00:00Z",
                 "local": "2026-04-23T08:00:00-04:00", "naive": "2026-04-23 08:00", "day": "2026-04-23", "tod": "14:00",
                 "n": 5}
        doors = {"epoch": int(local(NY, 2026, 4, 23, 8).timestamp()), "day": "2026-04-23", "other": "2026-04-23"}
        conn.execute("INSERT INTO show VALUES (%s, 1, 'Gala 2026', 'on', %s, %s, %s, %s), "
                     "(%s, 2, 'Live', 'live', %s, %s, NULL, NULL), (%s, 2, 'Old', 'done', %s, %s, NULL, NULL)",
                     (GALA, local(NY, 2026, 4, 23, 9), local(NY, 2026, 4, 23, 17), json.dumps(gates), json.dumps(doors),
                      LIVE, ANCHOR - timedelta(hours=1), ANCHOR + timedelta(hours=2),
                      OLD, local(BERLIN, 2026, 2, 10, 19), local(BERLIN, 2026, 2, 10, 21)))
        conn.execute("INSERT INTO retry (due) VALUES (%s), (%s)", (ANCHOR - timedelta(days=1), ANCHOR + timedelta(days=30)))
        conn.execute("INSERT INTO ticket VALUES (%s, 1, %s), (%s, 1, %s)",
                     (GALA, local(BERLIN, 2026, 3, 2, 10), LIVE, ANCHOR - timedelta(minutes=30)))
        conn.execute("INSERT INTO token VALUES ('old', %s, %s), ('new', %s, NULL)",
                     (ANCHOR - timedelta(days=2), ANCHOR - timedelta(days=3), ANCHOR + timedelta(days=2)))
        conn.execute("INSERT INTO session VALUES ('s1', %s)", (ANCHOR + timedelta(days=14),))
        conn.execute("INSERT INTO outbox (send_at, state) VALUES (%s, 'queued'), (%s, 'queued'), (%s, 'sent')",
                     (ANCHOR + timedelta(days=3), ANCHOR + timedelta(days=30), ANCHOR - timedelta(days=1)))
        at = ANCHOR - timedelta(days=1)
        body = {"z": "2026-03-03T15:00:00Z", "plus": "2026-03-03T15:00:00+00:00", "offset": "2026-03-03T10:00:00-05:00",
                "naive": "2026-03-03 15:00", "day": "2026-03-03", "frac": "2026-03-03T15:00:00.250Z",
                "ms": 1772550000000, "s": 1772550000, "count": 42, "note": "2026 was a year",
                "deep": [{"when": "2026-03-03T15:00:00Z"}]}
        conn.execute("INSERT INTO hook (at, body, raw, day) VALUES (%s, %s, %s, '2026-03-03'), (%s, '{}', 'not json', NULL)",
                     (at, json.dumps(body), json.dumps({"at": "2026-03-03T15:00:00+00:00", "n": 7}), at))
        conn.execute('INSERT INTO shop."order" (id, placed) VALUES (5, %s), (150, %s)',
                     (ANCHOR - timedelta(days=10), ANCHOR - timedelta(days=20)))
    rules, undeclared = Compiler(RULES, schema.read(url), "rules").compile(skip_tables=meta.TABLES)
    assert [c.key for c in undeclared] == []
    meta.write(url, meta.Snapshot("", "kinds", 1, 1, ANCHOR, ANCHOR, ANCHOR, None, "UTC", ""), rules)
    return url


def psycopg_conn(url):
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="module")
def moved(source, dbs):
    """Rebased to a Saturday 03:00 New York, 10 weeks and a bit later: both DST changes in between."""
    url = dbs.copy(source, "kinds_moved")
    now = datetime(2026, 5, 16, 7, 0, tzinfo=UTC)
    rebase.run(url, now)
    return url, now


def test_shows_keep_their_weekday_and_local_time_in_their_own_zone_across_dst(moved):
    url, now = moved
    starts, ends, title = query(url, "SELECT starts, ends, title FROM show WHERE id = %s", (GALA,))[0]
    assert starts.astimezone(NY).strftime("%a %H:%M") == "Thu 09:00" and starts > now
    assert ends.astimezone(NY).strftime("%H:%M") == "17:00" and title == f"Gala {starts.astimezone(NY).year}"
    old = query(url, "SELECT starts FROM show WHERE id = %s", (OLD,))[0][0]
    assert old.astimezone(BERLIN).strftime("%a %H:%M") == "Tue 19:00" and old < now  # Berlin's DST, not New York's
    sold = one(url, "SELECT sold FROM ticket WHERE show_id = %s", (GALA,))
    assert sold.astimezone(BERLIN).strftime("%a %H:%M") == "Mon 10:00"  # the named zone: the venue's setting


def test_the_live_show_and_its_tickets_contain_now(moved):
    url, now = moved
    starts, ends = query(url, "SELECT starts, ends FROM show WHERE id = %s", (LIVE,))[0]
    assert starts <= now < ends and starts.minute % 15 == 0
    assert one(url, "SELECT sold FROM ticket WHERE show_id = %s", (LIVE,)) < now


def test_tokens_stay_expired_or_valid_and_one_time_values_are_gone(moved):
    url, now = moved
    tokens = dict(query(url, "SELECT key, expires FROM token"))
    assert tokens["old"] == now - timedelta(days=2) and tokens["new"] == now + timedelta(days=2)
    assert query(url, "SELECT count(*) FROM token WHERE used IS NOT NULL") == [(0,)]


def test_sessions_are_purged_and_due_mail_is_quiesced(moved):
    url, now = moved
    assert one(url, "SELECT count(*) FROM session") == 0
    states = query(url, "SELECT state, send_at > %s FROM outbox ORDER BY id", (now,))
    assert states == [("queued", True), ("queued", True), ("sent", False)]  # nothing became due: weeks keep the future


def test_json_timestamps_move_in_the_form_they_were_written(moved, source):
    url, now = moved
    before = one(source, "SELECT body FROM hook WHERE day IS NOT NULL")
    after, raw, day, at = query(url, "SELECT body, raw, day, at FROM hook WHERE day IS NOT NULL")[0]
    shift = at - one(source, "SELECT at FROM hook WHERE day IS NOT NULL")
    z = datetime.fromisoformat(before["z"]) + shift
    assert after["z"] == z.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert after["plus"] == z.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert after["offset"] == z.astimezone(timezone(timedelta(hours=-5))).strftime("%Y-%m-%dT%H:%M:%S-05:00")
    assert after["frac"] == z.strftime("%Y-%m-%dT%H:%M:%S.250Z") and after["deep"][0]["when"] == after["z"]
    assert after["day"] == (date(2026, 3, 3) + timedelta(days=round(shift.total_seconds() / 86400))).isoformat()
    assert after["naive"] == (datetime(2026, 3, 3, 15) + shift).strftime("%Y-%m-%d %H:%M")
    assert after["ms"] == before["ms"] + int(shift.total_seconds() * 1000) and isinstance(after["ms"], int)
    assert after["s"] == before["s"] + int(shift.total_seconds())
    assert after["count"] == 42 and after["note"] == before["note"]  # not at a declared path, or not a date
    assert raw.startswith("{") and f'"{(datetime(2026, 3, 3, 15, tzinfo=UTC) + shift):%Y-%m-%dT%H:%M:%S}+00:00"' in raw
    assert query(url, "SELECT raw FROM hook WHERE day IS NULL") == [("not json",)]
    assert day < now.date()


def test_json_no_column_dates_moves_each_time_as_its_shift_would(moved):
    """`json = "weeks"`: each time moves as a weeks rule moves a value of its own (past ones 10 weeks,
    upcoming ones 11, in New York's wall clock across DST), in the form it was written; `days` at paths."""
    url, _ = moved
    gates, doors, starts = query(url, "SELECT gates, doors, starts FROM show WHERE id = %s", (GALA,))[0]
    opens = starts - timedelta(hours=1)
    assert opens.astimezone(NY) == local(NY, 2026, 7, 9, 8)  # 11 weeks on, 08:00 local as built
    assert gates == {"open": opens.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "close": (starts + timedelta(hours=8)).astimezone(UTC).isoformat(),
                     "announced": "2026-04-21T14:00:00Z",  # 10 weeks on: 10:00 New York, now on summer time
                     "local": "2026-07-09T08:00:00-04:00", "naive": "2026-07-09 08:00", "day": "2026-07-09",
                     "tod": "14:00", "n": 5}
    assert doors == {"epoch": int((local(NY, 2026, 4, 23, 8) + timedelta(days=73)).timestamp()), "day": "2026-07-05",
                     "other": "2026-04-23"}  # 73 days on; not at a declared path: left


def test_a_restore_counts_every_row_but_those_the_rebase_removes(moved, source):
    url, _ = moved
    counts = databases.table_row_counts(source)
    assert (counts["session"], counts["retry"]) == (1, 2)
    assert (one(url, "SELECT count(*) FROM session"), one(url, "SELECT count(*) FROM retry")) == (0, 1)
    check_counts(url, counts)  # purged and quiesced-by-delete tables may hold fewer rows
    with pytest.raises(UserError, match="venue has 2 rows, expected 3"):
        check_counts(url, {**counts, "venue": 3})
    with pytest.raises(UserError, match="retry has 1 rows, expected at most 0"):
        check_counts(url, {**counts, "retry": 0})


def test_any_key_any_schema_partitions_generated_columns_and_no_trigger_fired(moved, source):
    url, _ = moved
    placed = query(url, 'SELECT id, placed, placed_day FROM shop."order" ORDER BY id')
    before = dict(query(source, 'SELECT id, placed FROM shop."order"'))
    assert [p > before[i] for i, p, _ in placed] == [True, True]
    assert all(day == p.astimezone(UTC).date() for _, p, day in placed)  # generated, recomputed by Postgres
    assert one(url, "SELECT count(*) FROM audit") == 0  # the user's trigger did not fire
    assert one(url, "SELECT count(*) FROM show WHERE starts >= ends") == 0


def test_twice_is_once_and_back_to_the_anchor_restores_everything_but_what_was_removed(source, dbs):
    url = dbs.copy(source, "kinds_back")
    there = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # the US DST change's morning
    rebase.run(url, there)
    once = {t: query(url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in ("show", "ticket", "hook", "token")}
    assert "rebased by 00:00:00" in rebase.run(url, there)
    assert {t: query(url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in once} == once
    rebase.run(url, ANCHOR)
    for table in ("show", "ticket", 'shop."order"'):
        assert query(url, f"SELECT * FROM {table} ORDER BY 1, 2") == query(source, f"SELECT * FROM {table} ORDER BY 1, 2")
    # JSON kept as text comes back as the same JSON (in jsonb's own spacing and key order).
    hooks = "SELECT id, at, body, raw::jsonb, day FROM hook ORDER BY 1"
    assert query(url, hooks.replace("raw::jsonb", "CASE WHEN raw LIKE '{%%' THEN raw::jsonb END")) == \
        query(source, hooks.replace("raw::jsonb", "CASE WHEN raw LIKE '{%%' THEN raw::jsonb END"))
    assert query(url, "SELECT key, expires FROM token ORDER BY 1") == query(source, "SELECT key, expires FROM token ORDER BY 1")


def test_an_owner_without_superuser_rebases_with_its_triggers_off_and_back_on(source, dbs):
    """A managed server's admin owns the demo's tables but may not set session_replication_role: the
    rebase turns each user trigger of a table it moves off, and on again before the quiesce."""
    import psycopg

    url = dbs.copy(source, "kinds_owner")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kinds_owner') THEN "
                     "CREATE ROLE kinds_owner LOGIN PASSWORD 'owner-only-here' NOSUPERUSER; END IF; END $$")
        for (rel,) in conn.execute("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                   "WHERE n.nspname IN ('public', 'shop') AND c.relkind IN ('r', 'p')").fetchall():
            conn.execute(f"ALTER TABLE {rel} OWNER TO kinds_owner")
        conn.execute("ALTER FUNCTION audit_it() OWNER TO kinds_owner")
        conn.execute("ALTER SCHEMA public OWNER TO kinds_owner; ALTER SCHEMA shop OWNER TO kinds_owner")
    owner = "postgresql://kinds_owner:owner-only-here@" + url.split("@", 1)[1]
    rebase.run(owner, datetime(2026, 5, 16, 7, 0, tzinfo=UTC))
    assert one(url, "SELECT count(*) FROM audit") == 0  # the user's trigger did not fire
    assert one(url, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_show'") == "O"  # and is on again
    assert one(url, "SELECT starts FROM show WHERE id = %s", (GALA,)) > datetime(2026, 5, 16, 7, 0, tzinfo=UTC)  # moved
    with psycopg.connect(url, autocommit=True) as conn:  # a change of the platform's own fires it as before
        conn.execute("UPDATE show SET title = title")
    assert one(url, "SELECT count(*) FROM audit") == 3
