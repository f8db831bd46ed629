"""The dump's format number: the rebase reads only the format the build wrote (the snapshot row's
format_version), refuses another in one sentence naming both numbers, reads a dump made before the
number by the columns it relies on, and refuses an older one in a sentence; nothing changes when it
refuses. The psql entry file and the host say the same."""

from datetime import datetime, timezone

import pytest

from builder.errors import UserError
from builder.postgres import binaries, clients, databases, meta, rebase
from tests.support.postgres import one, snapshot_tables

NOW = datetime(2027, 6, 1, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def source(demo):
    return demo[0]


def psql_rebase(url: str) -> None:
    clients._run([binaries.require("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "now=2027-06-01T12:00Z", "-f",
                str(clients.REBASE_SQL), "--dbname", url], "The date rebase", url)


def test_a_build_writes_its_format_and_the_rebase_reads_it(source, dbs):
    url = dbs.copy(source, "format_ok")
    assert one(url, "SELECT format_version FROM cpd_demo_snapshot") == meta.FORMAT_VERSION
    assert "anchor" in rebase.run(url, NOW)
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == NOW


@pytest.mark.parametrize("run", [lambda url: rebase.run(url, NOW), psql_rebase], ids=["host", "psql"])
def test_a_dump_of_another_format_is_refused_naming_both_numbers(source, dbs, run):
    url = dbs.copy(source, "format_other")
    other = meta.FORMAT_VERSION + 1
    with databases.connect(url) as conn:
        conn.execute("UPDATE cpd_demo_snapshot SET format_version = %s", (other,))
    before = snapshot_tables(url)
    with pytest.raises(UserError) as refused:
        run(url)
    sentence = str(refused.value)
    assert f"format {other}" in sentence and f"format {meta.FORMAT_VERSION}" in sentence, sentence
    assert "\n" not in sentence and "Traceback" not in sentence
    assert snapshot_tables(url) == before


def test_a_dump_made_before_the_number_is_read_by_its_columns(source, dbs):
    url = dbs.copy(source, "format_unnumbered")
    with databases.connect(url) as conn:
        conn.execute("ALTER TABLE cpd_demo_snapshot DROP COLUMN format_version")
    rebase.run(url, NOW)
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == NOW


@pytest.mark.parametrize("run", [lambda url: rebase.run(url, NOW), psql_rebase], ids=["host", "psql"])
def test_an_older_dump_without_the_number_gets_a_sentence_not_a_crash(source, dbs, run):
    url = dbs.copy(source, "format_older")
    with databases.connect(url) as conn:
        conn.execute("ALTER TABLE cpd_demo_snapshot DROP COLUMN format_version")
        conn.execute("ALTER TABLE cpd_demo_rule DROP COLUMN update_rank")
    before = snapshot_tables(url)
    with pytest.raises(UserError, match=r"built by an older version of cpd-demo-db: build it again$"):
        run(url)
    assert snapshot_tables(url) == before
