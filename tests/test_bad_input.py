"""Bad input gets one clear sentence and exit code 1, never a traceback, and nothing is touched."""

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from builder.postgres import conninfo, databases
from builder.snapshot.restore import restore
from builder.store import manifest as mf
from builder.store.local import LocalStore
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, work_databases_on
from tests.support.project import PROJECT, SEED

NOWHERE = "postgresql://postgres@127.0.0.1:1/x"


@pytest.mark.parametrize("args, expected", [
    (["snapshot.build", "--seed", "abc"], "--seed must be a whole number"),
    (["snapshot.build", "--scale", "1.5"], "--scale must be a whole number from 1 to 5000"),
    (["snapshot.build", "--scale", "abc"], "--scale must be a whole number"),
    (["snapshot.build", "--scale", "999999"], "--scale must be a whole number from 1 to 5000 (got 999999)"),
    (["snapshot.publish", "--to", "/tmp/x", "--scale", "0"], "--scale must be a whole number"),
    (["snapshot.restore", "--jobs", "abc"], "--jobs must be a whole number"),
    (["snapshot.prune", "--keep", "abc"], "--keep must be a whole number"),
    (["snapshot.restore", "--now", "tomorrow"], "--now 'tomorrow' is not an ISO 8601 instant"),
    (["snapshot.restore", "--now", "garbage"], "--now 'garbage' is not an ISO 8601 instant"),
    (["snapshot.rebase", "--now", "tomorrow", "--database-url", NOWHERE], "is not an ISO 8601 instant"),
    (["demo.reset", "--now", "garbage", "--from", "s3://no-such-bucket/x"], "--now 'garbage'"),
    (["demo.admin", "--port", "http"], "--port must be a whole number from 1 to 65535"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_flag_values(args, expected):
    one_sentence(invoke(*args, env_extra={"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}), expected)


def test_output_that_is_a_file_or_under_a_file_is_refused_before_the_seed(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for output, expected in ((a_file, "is a file"), (a_file / "sub", "not a writable directory")):
        proc = invoke("snapshot.build", "--provider", "embedded", "--output", str(output))
        one_sentence(proc, expected)
        assert "seed" not in proc.stdout and "postgres" not in proc.stdout
    assert a_file.read_text() == "x"


def test_the_unix_socket_url_form_works(built, pg):
    socket_url = f"postgresql:///socket_target?host={pg.socket_dir}&port={pg.port}&user=postgres&password={pg.password}"
    proc = invoke("snapshot.restore", "--from", str(built), "--database-url", socket_url)
    assert proc.returncode == 0, proc.stderr
    assert one(pg.url("socket_target"), "SELECT count(*) FROM cpd_demo_snapshot") == 1
    status = invoke("demo.status", "--database-url", socket_url)
    assert status.returncode == 0 and "Community Meetup" in status.stdout


@pytest.mark.parametrize("edit, expected", [
    (lambda m: m["postgres"].update(server_major="abc"), "invalid Postgres server_major"),
    (lambda m: m.pop("row_counts"), "lacks 'row_counts'"),
    (lambda m: m.update(version="../../etc"), "not a snapshot version"),
    (lambda m: m["files"].pop("media.tar.gz"), "no valid size and sha256 for media.tar.gz"),
], ids=["server_major abc", "missing key", "hostile version", "missing file entry"])
def test_a_hand_edited_manifest(built, tmp_path, edit, expected):
    latest = LocalStore(built).latest()
    copied = tmp_path / "s"
    shutil.copytree(built / latest, copied / latest)
    os.symlink(latest, copied / "latest")
    manifest = json.loads((copied / latest / mf.MANIFEST).read_text())
    edit(manifest)
    (copied / latest / mf.MANIFEST).write_text(json.dumps(manifest))
    one_sentence(invoke("snapshot.restore", "--from", str(copied), "--database-url", NOWHERE), expected)
    one_sentence(invoke("snapshot.list", "--from", str(copied)), expected)


def test_a_version_directory_given_as_from_says_what_to_do(built):
    latest = LocalStore(built).latest()
    one_sentence(invoke("snapshot.restore", "--from", str(built / latest), "--database-url", NOWHERE),
                 f"pass --from {built} --version {latest}")


def test_prune_during_a_restore_does_not_break_it(built, dbs):
    older = LocalStore(built).latest()
    build_snapshot(built, seed=SEED + 11)
    target = dbs.empty("prune_during")
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(built), "--version",
                             older, "--database-url", target, "--force"], cwd=PROJECT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    admin = databases.admin_url(target)
    deadline = time.monotonic() + 60
    while not work_databases_on(admin):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    pruned = invoke("snapshot.prune", "--from", str(built), "--keep", "1")
    assert pruned.returncode == 0 and older in pruned.stdout
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert one(target, "SELECT version FROM cpd_demo_snapshot") == older
    assert older not in LocalStore(built).versions()


def test_demo_status_of_a_database_that_is_not_a_demo(precious):
    one_sentence(invoke("demo.status", "--database-url", precious), "is not a demo database")
    one_sentence(invoke("snapshot.rebase", "--database-url", precious), "is not a demo database")


def test_a_broken_pipe_is_not_a_traceback(built, dbs):
    url = dbs.empty("pipe")
    restore(str(built), "latest", url, force=True, echo=lambda m: None)
    proc = subprocess.run(f"{sys.executable} -m invoke demo.status --database-url '{url}' | head -1",
                          shell=True, cwd=PROJECT, capture_output=True, text=True)
    assert proc.stdout.startswith("snapshot ") and len(proc.stdout.splitlines()) == 1
    assert proc.stderr == "", proc.stderr
    # A restore whose reader goes away is finished, not abandoned halfway.
    proc = subprocess.run(f"{sys.executable} -m invoke snapshot.restore --from {built} --database-url '{url}' "
                          "--now 2031-01-01T12:00Z | head -1", shell=True, cwd=PROJECT, capture_output=True, text=True)
    assert proc.stdout.startswith("→ fetch") and proc.stderr == "", proc.stderr
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == datetime(2031, 1, 1, 12, tzinfo=timezone.utc)


def test_a_now_without_offset_is_read_in_the_platform_timezone(built, dbs):
    url = dbs.empty("naive_now")
    proc = invoke("snapshot.restore", "--from", str(built), "--database-url", url, "--force",
                  "--now", "2027-03-01T09:00")
    assert proc.returncode == 0, proc.stderr
    # America/New_York in winter is UTC-5.
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == datetime(2027, 3, 1, 14, tzinfo=timezone.utc)
    assert conninfo.database_name(url) in proc.stdout
