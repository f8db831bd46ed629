"""Named demos without a server: names and prospects, durations read one way only, SCRAM verifiers,
a demo's status from what the server says of it, the listing's table."""

from datetime import datetime, timedelta, timezone

import pytest

from builder.clock import parse_duration, parse_instant
from builder.errors import UserError
from builder.named import listing
from builder.named.names import check_prospect, validate
from builder.named.registry import Demo
from builder.postgres import marks, scram

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", ["postgres\n", "acme\n", "Acme", "1acme", "acme-1", "a" * 64, "", "ac me"])
def test_names_that_are_not_plain_identifiers_are_refused(name):
    with pytest.raises(UserError, match="Demo names are lowercase"):
        validate(name)


@pytest.mark.parametrize("name, expected", [("template1", "server's own"), ("cpd_demo_control", "registry"),
                                            ("cpd_template_x", "keeps for itself"), ("pg_x", "keeps for itself"),
                                            ("cpd_tmp_stage_x", "work databases")])
def test_names_the_tool_or_postgres_keep_are_refused(name, expected):
    with pytest.raises(UserError, match=expected):
        validate(name)


@pytest.mark.parametrize("prospect", ["Acme\x1b[31mHealth", "Acme\nHealth", "Acme\u2028", "Acme\u200fHealth", "\t"])
def test_prospects_with_control_characters_are_refused(prospect):
    with pytest.raises(UserError):
        check_prospect(prospect, "")


def test_prospects_people_write_are_taken():
    check_prospect("Ærø Sundhed & Søn (Nordic)", "#0f766e")
    check_prospect("株式会社メディカル", "")


@pytest.mark.parametrize("text", ["1M", "2D", "15 min", "1 minute", "3H"])
def test_durations_that_could_be_read_two_ways_are_refused(text):
    with pytest.raises(UserError, match="lowercase letter"):
        parse_duration(text, "--ttl")


def test_durations_are_bounded():
    assert parse_duration("365d", "--ttl") == timedelta(days=365)
    for text in ("366d", "999999999999d", "9" * 40 + "d"):
        with pytest.raises(UserError, match="is not a duration from 1s to 365d"):
            parse_duration(text, "--ttl")
    with pytest.raises(UserError, match="is not a duration from 1s to 1w"):
        parse_duration("8d", "--every", longest=timedelta(days=7))


@pytest.mark.parametrize("text", ["9999-12-31T23:59Z", "0001-01-01", "1899-12-31T00:00Z"])
def test_instants_outside_the_years_a_demo_can_represent_are_refused(text):
    with pytest.raises(UserError, match="outside the years"):
        parse_instant(text, zone="UTC")


def test_a_scram_verifier_matches_its_password_only():
    made = scram.verifier("s3cret")
    assert made.startswith("SCRAM-SHA-256$4096:") and "s3cret" not in made
    assert scram.matches("s3cret", made) and not scram.matches("other", made)
    assert made != scram.verifier("s3cret")  # a new salt each time
    assert not scram.matches("s3cret", "md5abc") and not scram.matches("s3cret", None)


def healthy(**changes) -> Demo:
    base = dict(name="acme", state="ready", has_database=True, mark=marks.DEMO, has_login=True, login_ok=True,
                created_at=NOW - timedelta(days=1))
    return Demo(**{**base, **changes})


@pytest.mark.parametrize("changes, status, problem", [
    ({}, "ready", ""),
    ({"busy": True}, "busy", ""),
    ({"has_database": False}, "broken", "its database is gone"),
    ({"mark": None}, "broken", "no longer carries the demo mark"),
    ({"has_login": False}, "broken", "its login is gone"),
    ({"login_ok": False}, "broken", "password was changed"),
    ({"state": "making", "busy": True}, "making", ""),
    ({"state": "making"}, "broken", "demo.new of it was stopped"),
    ({"state": "dropping"}, "broken", "demo.drop of it was stopped"),
    ({"expires_at": NOW - timedelta(seconds=1)}, "expired", ""),
    ({"expires_at": NOW + timedelta(hours=2)}, "expiring", ""),   # 2 h left of 26: the last tenth
    ({"expires_at": NOW + timedelta(days=2)}, "ready", ""),
])
def test_a_demos_status_follows_what_the_server_says(changes, status, problem):
    demo = healthy(**changes)
    assert demo.status(NOW) == status
    assert problem in demo.problem and bool(demo.problem) == bool(problem)


def test_the_listing_has_a_header_cuts_long_prospects_and_explains_broken_demos():
    lines = listing.lines([healthy(prospect="P" * 80, size=13 * 1_048_576, connections=2),
                           healthy(name="gone", has_database=False)], "postgresql://u:pw@db.example:6543/postgres")
    header, first, second, why = lines
    assert header.split() == ["NAME", "STATUS", "PROSPECT", "VERSION", "DATA", "AS", "OF", "CREATED", "LAST", "RESET",
                              "EXPIRES", "SIZE", "CONNS", "HOST"]
    assert "P" * 23 + "…" in first and first.endswith("db.example:6543") and "13 MiB" in first
    assert first.index("ready") == header.index("STATUS") and second.split()[1] == "broken"
    assert why == "gone: broken, its database is gone (`invoke demo.repair --name gone`)"
    assert "pw" not in "\n".join(lines)
    assert listing.lines([], "postgresql://h/postgres")[0].startswith("no named demos")
