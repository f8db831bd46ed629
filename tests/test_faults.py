"""Fault injection: the builder killed at the worst moments, the server stopped mid-restore.
Each test ends with "nothing lost" checked and the next run succeeding."""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from builder import artifact, database
from builder.build import build
from builder.embedded import EmbeddedPostgres
from builder.restore import restore, staging_name
from tests.conftest import ANCHOR, PROJECT, SEED, invoke, one, snapshot_tables


def tree_state(root: Path) -> dict:
    """Every version's files with their sha256, and where latest points."""
    state = {"latest": os.readlink(root / "latest") if (root / "latest").is_symlink() else None}
    for version in artifact.LocalStore(root).versions():
        for f in sorted((root / version).iterdir()):
            state[f"{version}/{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
    return state


@pytest.fixture
def store(tmp_path):
    build(provider="embedded", seed=SEED, anchor=ANCHOR, output=tmp_path, echo=lambda m: None)
    return tmp_path


@pytest.mark.parametrize("point", ["manage:create_demo_data", "build:after-dump"],
                         ids=["killed during seed", "killed during dump"])
def test_build_killed_loses_nothing_and_the_next_build_succeeds(store, point):
    before = tree_state(store)
    killed = invoke("snapshot.build", "--provider", "embedded", "--output", str(store), "--seed", str(SEED + 1),
                    "--anchor", ANCHOR, env_extra={"CPD_DEMO_KILL_AT": point})
    assert killed.returncode == -9
    assert tree_state(store) == before
    assert artifact.LocalStore(store).versions() == [before["latest"]]
    ok = invoke("snapshot.build", "--provider", "embedded", "--output", str(store), "--seed", str(SEED + 1),
                "--anchor", ANCHOR)
    assert ok.returncode == 0, ok.stderr
    after = artifact.LocalStore(store)
    assert len(after.versions()) == 2 and after.latest() != before["latest"]
    assert not list(store.glob(".staging-*"))  # the killed build's leftovers are cleared


def test_local_publish_killed_loses_nothing(store, tmp_path_factory):
    dest = tmp_path_factory.mktemp("published")
    first = artifact.LocalStore(store).latest()
    assert invoke("snapshot.publish", "--to", str(dest), "--version", first, "--from", str(store)).returncode == 0
    build(provider="embedded", seed=SEED + 2, anchor=ANCHOR, output=store, echo=lambda m: None)
    second = artifact.LocalStore(store).latest()
    before = tree_state(dest)
    killed = invoke("snapshot.publish", "--to", str(dest), "--version", second, "--from", str(store),
                    env_extra={"CPD_DEMO_KILL_AT": "local-publish:before-commit"})
    assert killed.returncode == -9
    assert tree_state(dest) == before and before["latest"] == first
    assert invoke("snapshot.publish", "--to", str(dest), "--version", second, "--from", str(store)).returncode == 0
    assert artifact.LocalStore(dest).latest() == second


@pytest.fixture
def target(dbs):
    url = dbs.empty("fault_target")
    with database.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    return url


def test_restore_killed_during_the_swap(store, target):
    before = snapshot_tables(target)
    killed = invoke("snapshot.restore", "--from", str(store), "--database-url", target,
                    env_extra={"CPD_DEMO_KILL_AT": "restore:mid-swap"})
    assert killed.returncode == -9
    time.sleep(0.5)  # the server rolls back the swap transaction of the dead client
    assert snapshot_tables(target) == before
    restore(str(store), "latest", target, echo=lambda m: None)
    assert one(target, "SELECT count(*) FROM billing_plan") == 4
    assert not database.database_exists(database.admin_url_for(target), staging_name(database.database_name(target)))


def test_target_server_stopped_mid_restore(store):
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-fault-"))
    os.chmod(home, 0o755)
    server = EmbeddedPostgres(data_dir=home, durable=True)
    server.start()
    try:
        url = server.url("victim")
        database.create_database(server.url(), "victim")
        with database.connect(url) as conn:
            conn.execute("CREATE TABLE precious (note text)")
            conn.execute("INSERT INTO precious VALUES ('keep me')")
        before = snapshot_tables(url)
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(store),
                                 "--database-url", url], cwd=PROJECT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not database.database_exists(server.url(), staging_name("victim")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        server._run(str(server.bindir / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and "Traceback" not in err
        assert len([ln for ln in err.splitlines() if ln.strip()]) == 1
        server.start()
        assert snapshot_tables(url) == before
        restore(str(store), "latest", url, echo=lambda m: None)
        assert one(url, "SELECT count(*) FROM billing_plan") == 4
        assert not database.database_exists(server.url(), staging_name("victim"))
    finally:
        server.stop()
        import shutil

        shutil.rmtree(home, ignore_errors=True)


# -- security ---------------------------------------------------------------------------------

def test_no_secret_in_logs_or_manifests(tmp_path, dbs):
    db_password, aws_secret = "db-pass-never-printed", "aws-secret-never-printed"
    env = {"AWS_SECRET_ACCESS_KEY": aws_secret, "CPD_DEMO_PASSWORD": "custom-persona-pass"}
    built = invoke("snapshot.build", "--provider", "embedded", "--output", str(tmp_path), "--anchor", ANCHOR,
                   env_extra=env)
    assert built.returncode == 0, built.stderr
    # A target URL with a password (an unreachable port, so the error path prints it too).
    failed = invoke("snapshot.restore", "--from", str(tmp_path), "--database-url",
                    f"postgresql://postgres:{db_password}@127.0.0.1:1/x", env_extra=env)
    assert failed.returncode == 1
    everything = built.stdout + built.stderr + failed.stdout + failed.stderr
    for f in tmp_path.rglob("manifest.json"):
        everything += f.read_text()
        manifest = json.loads(f.read_text())
        assert manifest["demo_password_is_default"] is False
    for secret in (db_password, aws_secret, "custom-persona-pass"):
        assert secret not in everything


def test_readme_says_the_demo_password_is_for_demos_only():
    readme = (PROJECT / "README.md").read_text()
    assert re.search(r"cpd-demo-only.{0,200}for\s+demos only", readme, re.S)
