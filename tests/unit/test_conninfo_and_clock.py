"""Database URLs (libpq's parser, redaction, secrets off command lines) and instants and durations."""

from datetime import datetime, timedelta, timezone

import pytest

from builder.clock import format_duration, parse_duration, parse_instant, parse_int
from builder.errors import UserError
from builder.postgres import conninfo, databases, work_databases

SECRET = "s3cr/t@pw"


@pytest.mark.parametrize("text", [
    "postgresql://u:hunter2@h:5/db", "postgresql://u@h/db?password=hunter2&sslmode=require",
    "postgresql://u:hun/ter2@h/db", "dbname=x password=hunter2 host=y", "password='hunter2' x",
])
def test_redact_hides_every_password_form(text):
    assert "hunter2" not in conninfo.redact(text) and "hun" not in conninfo.redact(text).split("@")[0][-4:]


def test_a_unix_socket_url_keeps_its_socket_through_every_rewrite():
    url = "postgresql:///app?host=/run/pg&port=5433&user=me"
    assert conninfo.params(url) == {"dbname": "app", "host": "/run/pg", "port": "5433", "user": "me"}
    other = conninfo.with_database(url, "cpd_demo")
    assert conninfo.params(other) == {"dbname": "cpd_demo", "host": "/run/pg", "port": "5433", "user": "me"}
    assert conninfo.params(databases.admin_url(url))["dbname"] == "postgres"


def test_special_characters_survive_and_secrets_move_to_the_environment():
    url = conninfo.make_url({"user": "me", "password": SECRET, "host": "db.example", "port": "6543",
                             "dbname": "my db"})
    assert conninfo.params(url)["password"] == SECRET and conninfo.database_name(url) == "my db"
    safe, env = conninfo.child_args(url)
    assert SECRET not in safe and "password" not in conninfo.params(safe) and env["PGPASSWORD"] == SECRET
    assert SECRET not in conninfo.display(url) and "***" in conninfo.display(url)


@pytest.mark.parametrize("url, message", [
    ("mysql://u@h/db", "is not a PostgreSQL URL"),
    ("", "is not a PostgreSQL URL"),
    ("postgresql://u:pa/ss@h/db", "unencoded '/'"),
    ("postgresql://u@h:port/db", "invalid port"),
    ("postgresql://u@h/", "names no database"),
])
def test_bad_urls_are_one_sentence_without_the_password(url, message):
    with pytest.raises(UserError, match=message) as caught:
        conninfo.database_name(url)
    assert "pa/ss" not in str(caught.value)


def test_names_the_tool_may_use():
    assert databases.check_name("d" * 63) == "d" * 63
    for bad, message in (("e" * 64, "would cut it to 63"), ("template1", "server's own"),
                         ("cpd_tmp_stage_x", "keeps for its own work"), ("", "empty")):
        with pytest.raises(UserError, match=message):
            databases.check_name(bad)
    helper = work_databases.name("retired", "d" * 63, "abcd1234")
    assert len(helper.encode()) <= 63 and helper != "d" * 63 and helper.startswith(databases.WORK_PREFIX)
    assert work_databases.name("stage", "a") != work_databases.name("stage", "b")


def test_instants_naive_ones_in_the_platform_timezone():
    assert parse_instant("2027-03-01T14:00Z", zone="America/New_York") == datetime(2027, 3, 1, 14, tzinfo=timezone.utc)
    assert parse_instant("2027-03-01T09:00", zone="America/New_York") == datetime(2027, 3, 1, 14, tzinfo=timezone.utc)
    assert parse_instant("2027-07-01T09:00", zone="America/New_York") == datetime(2027, 7, 1, 13, tzinfo=timezone.utc)
    assert parse_instant(None, zone="UTC") is None and parse_instant("  ", zone="UTC") is None


@pytest.mark.parametrize("word", ["tomorrow", "now", "garbage", "2027-13-45"])
def test_words_are_refused_the_same_way(word):
    with pytest.raises(UserError, match=f"--now '{word}' is not an ISO 8601 instant"):
        parse_instant(word, zone="UTC")


def test_durations_read_like_people_write_them():
    assert parse_duration("30s", "--every") == timedelta(seconds=30)
    assert parse_duration("15m", "--every") == timedelta(minutes=15)
    assert parse_duration("8h", "--ttl") == timedelta(hours=8)
    assert parse_duration("2d", "--ttl") == timedelta(days=2)
    assert parse_duration("90", "--every") == timedelta(seconds=90)
    assert format_duration(timedelta(minutes=15)) == "15m" and format_duration(timedelta(seconds=61)) == "61s"
    for bad in ("0s", "-5m", "fortnight", "1.5h", ""):
        with pytest.raises(UserError, match="is not a duration"):
            parse_duration(bad, "--every")


def test_whole_numbers_within_bounds():
    assert parse_int(" 7 ", "--jobs", 1, 64) == 7
    for bad, message in (("abc", "whole number from 1 to 64"), ("1.5", "whole number"), ("0", "got 0"),
                         ("65", "got 65")):
        with pytest.raises(UserError, match=message):
            parse_int(bad, "--jobs", 1, 64)
