"""keep-live with one demo's client in the way: a transaction left open on its rows, data that breaks
its rebase, the server restarting between rounds. Every other demo is still rebased, the stuck one
is named in one line, and the loop goes on."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from builder.postgres import databases
from builder.postgres.embedded import EmbeddedPostgres, free_port
from tests.support.commands import invoke
from tests.support.postgres import one
from tests.support.project import PROJECT, named_server


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def demos(pg, built):
    srv = named_server(pg.url())
    for name in ("stuck", "broken_data", "bystander"):
        srv.new(name, str(built), echo=quiet)
    yield srv
    for name in ("stuck", "broken_data", "bystander"):
        srv.drop(name, echo=quiet)


def anchor(srv, name: str):
    return one(srv.at(name), "SELECT anchor_at FROM cpd_demo_snapshot")


def test_a_client_holding_rows_in_an_open_transaction_is_ended_and_the_round_goes_on(demos, pg):
    blocker = psycopg.connect(demos.demo_url("stuck"))
    blocker.execute("UPDATE events_event SET title = title WHERE status = 'live'")  # and never commits
    reader = psycopg.connect(demos.demo_url("stuck"), autocommit=True)  # an idle client: stays connected
    with databases.connect(pg.url("broken_data")) as conn:  # the rebase of this one fails on its data
        conn.execute("UPDATE cpd_demo_snapshot SET timezone = 'Mars/Olympus'")
    before = {name: anchor(demos, name) for name in ("stuck", "bystander")}
    started = time.monotonic()
    proc = invoke("demo.keep-live", "--server", pg.url(), "--every", "1s", "--rounds", "1")
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 60
    out = proc.stdout
    assert re.search(r"stuck: cpd-demo \S+: rebased by .*; ended 1 session\(s\) whose open transaction", out), out
    assert re.search(r"broken_data: skipped: the rebase failed: .*Mars/Olympus", out), out
    assert re.search(r"bystander: cpd-demo \S+: rebased by", out), out
    assert all(anchor(demos, name) > before[name] for name in before)
    with pytest.raises(psycopg.OperationalError):
        blocker.execute("SELECT 1")
    assert reader.execute("SELECT 1").fetchone() == (1,)
    reader.close()
    blocker.close()
    # Nothing is left holding the demo: a reset goes through.
    assert invoke("demo.reset", "--name", "stuck", "--server", pg.url()).returncode == 0


def test_keep_live_survives_a_server_restart(built):
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-restart-"))
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(data_dir=home, port=free_port(), durable=True)
    cluster.start()
    try:
        named_server(cluster.url()).new("survivor", str(built), echo=quiet)
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "demo.keep-live", "--server", cluster.url(),
                                 "--every", "2s", "--rounds", "4"], cwd=PROJECT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline() + proc.stdout.readline()
        assert "survivor: cpd-demo" in first, first
        cluster.stop()
        time.sleep(2.5)
        cluster.start()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "Traceback" not in err, err
        assert "4 round(s) done" in out
        assert re.search(r"survivor: cpd-demo \S+: rebased by", out.split("\n")[-3]), out
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)
