"""Fault injection: the builder killed at the worst moments, the server stopped mid-restore.
Each test ends with "nothing lost" checked and the next run succeeding."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from builder.postgres import databases
from builder.postgres.embedded import EmbeddedPostgres
from builder.snapshot.restore import restore
from builder.store.local import LocalStore
from tests.support.builds import build_snapshot
from tests.support.commands import invoke
from tests.support.files import tree_state
from tests.support.postgres import one, snapshot_tables, work_databases_on
from tests.support.project import ANCHOR, PROJECT, SEED


@pytest.fixture
def store(tmp_path):
    build_snapshot(tmp_path)
    return tmp_path


def helpers_on(url):
    return work_databases_on(databases.admin_url(url))


@pytest.mark.parametrize("point", ["django:seed", "build:after-dump"],
                         ids=["killed during seed", "killed during dump"])
def test_build_killed_loses_nothing_and_the_next_build_succeeds(store, point):
    before = tree_state(store)
    latest = LocalStore(store).latest()
    killed = invoke("snapshot.build", "--provider", "embedded", "--output", str(store), "--seed", str(SEED + 1),
                    "--anchor", ANCHOR, env_extra={"CPD_DEMO_KILL_AT": point})
    assert killed.returncode == -9
    assert {k: v for k, v in tree_state(store).items() if not k.startswith(".staging-")} == before
    assert LocalStore(store).versions() == [latest]
    ok = invoke("snapshot.build", "--provider", "embedded", "--output", str(store), "--seed", str(SEED + 1),
                "--anchor", ANCHOR)
    assert ok.returncode == 0, ok.stderr
    after = LocalStore(store)
    assert len(after.versions()) == 2 and after.latest() != latest
    assert not list(store.glob(".staging-*"))  # the killed build's leftovers are cleared


def test_local_publish_killed_loses_nothing(store, tmp_path_factory):
    dest = tmp_path_factory.mktemp("published")
    first = LocalStore(store).latest()
    assert invoke("snapshot.publish", "--to", str(dest), "--version", first, "--from", str(store)).returncode == 0
    second = build_snapshot(store, seed=SEED + 2).version
    before = tree_state(dest)
    killed = invoke("snapshot.publish", "--to", str(dest), "--version", second, "--from", str(store),
                    env_extra={"CPD_DEMO_KILL_AT": "local-publish:before-commit"})
    assert killed.returncode == -9
    assert {k: v for k, v in tree_state(dest).items() if not k.startswith(".staging-")} == before
    assert LocalStore(dest).latest() == first
    again = invoke("snapshot.publish", "--to", str(dest), "--version", second, "--from", str(store))
    assert again.returncode == 0 and f"latest -> {second}" in again.stdout
    assert LocalStore(dest).latest() == second


def test_restore_killed_during_the_swap(store, dbs):
    target = dbs.empty("fault_target")
    restore(str(store), "latest", target, force=True, echo=lambda m: None)
    with databases.connect(target) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    before = snapshot_tables(target)
    killed = invoke("snapshot.restore", "--from", str(store), "--database-url", target,
                    env_extra={"CPD_DEMO_KILL_AT": "restore:mid-swap"})
    assert killed.returncode == -9
    deadline = time.monotonic() + 10
    while True:  # the server rolls back the dead client's swap transaction when it notices
        try:
            assert snapshot_tables(target) == before
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    restore(str(store), "latest", target, echo=lambda m: None)
    assert one(target, "SELECT count(*) FROM billing_plan") == 4
    assert helpers_on(target) == []


def test_target_server_stopped_mid_restore(store):
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-fault-"))
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(data_dir=home, durable=True)
    cluster.start()
    try:
        url = cluster.url("victim")
        restore(str(store), "latest", url, echo=lambda m: None)
        with databases.connect(url) as conn:
            conn.execute("CREATE TABLE precious (note text)")
            conn.execute("INSERT INTO precious VALUES ('keep me')")
        before = snapshot_tables(url)
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(store),
                                 "--database-url", url], cwd=PROJECT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not [n for n in helpers_on(url) if "_stage_" in n]:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        cluster._run(str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and "Traceback" not in err
        assert len([ln for ln in err.splitlines() if ln.strip()]) == 1
        cluster.start()
        assert snapshot_tables(url) == before
        restore(str(store), "latest", url, echo=lambda m: None)
        assert one(url, "SELECT count(*) FROM billing_plan") == 4
        assert helpers_on(url) == []
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)
