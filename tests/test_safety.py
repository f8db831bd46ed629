"""A restore never destroys what it did not make: a foreign or reserved target, long names, two
restores at once, the media directory, hostile version names, builds side by side. Each data-loss
test checks the victim byte for byte (its rows, and its database oid: never renamed or recreated)."""

import json
import os
import shutil
import signal
import subprocess
import tarfile
import threading
import time
from pathlib import Path

import pytest

from builder.errors import UserError
from builder.postgres import conninfo, databases, locks
from builder.snapshot.restore import restore
from builder.store import manifest as mf
from builder.store.local import LocalStore
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence, start_invoke_until
from tests.support.files import tree_state
from tests.support.postgres import one, snapshot_tables, work_databases_on
from tests.support.project import ANCHOR, SEED


def fingerprint(url: str) -> tuple:
    """What must not change: the database's identity and every row of every table."""
    oid = one(databases.admin_url(url), "SELECT oid FROM pg_database WHERE datname = %s",
              (conninfo.database_name(url),))
    return oid, snapshot_tables(url)


def helpers_on(url):
    return work_databases_on(databases.admin_url(url))


def test_a_database_that_is_not_a_demo_is_refused_unless_forced(built, precious):
    before = fingerprint(precious)
    for task in ("demo.reset", "snapshot.restore"):
        proc = invoke(task, "--from", str(built), env_extra={"DATABASE_URL": precious})
        line = one_sentence(proc, "is not a demo database")
        assert conninfo.database_name(precious) in line and "--force" in line
        assert fingerprint(precious) == before
    assert helpers_on(precious) == []
    forced = invoke("snapshot.restore", "--from", str(built), "--force", env_extra={"DATABASE_URL": precious})
    assert forced.returncode == 0, forced.stderr
    assert one(precious, "SELECT count(*) FROM cpd_demo_snapshot") == 1
    assert one(precious, "SELECT to_regclass('precious')") is None


def test_the_servers_own_databases_are_never_targets(built, pg):
    template1 = fingerprint(pg.url("template1"))
    for name in ("postgres", "template0", "template1"):
        proc = invoke("snapshot.restore", "--from", str(built), "--force", "--database-url", pg.url(name))
        one_sentence(proc, f"{name} is one of the server's own databases")
    assert fingerprint(pg.url("template1")) == template1


def test_long_names_never_collide_and_truncated_names_are_refused(built, dbs, pg, tmp_path):
    name = "d" * 63  # the longest name Postgres keeps whole
    url = pg.url(name)
    restore(str(built), "latest", url, echo=lambda m: None)
    assert all(len(h.encode()) <= 63 for h in helpers_on(url))
    with databases.connect(url) as conn:
        conn.execute("CREATE TABLE kept (x int)")
    before = fingerprint(url)
    # A restore that fails in staging must leave the 63-byte target exactly as it was.
    broken = tmp_path / "broken"
    shutil.copytree(built / LocalStore(built).latest(), broken / LocalStore(built).latest())
    os.symlink(LocalStore(built).latest(), broken / "latest")
    version_dir = broken / LocalStore(built).latest()
    (version_dir / mf.DUMP).write_bytes(b"PGDMP" + b"\x00" * 4000)
    manifest = json.loads((version_dir / mf.MANIFEST).read_text())
    manifest["files"] = mf.file_entries(version_dir)
    (version_dir / mf.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="pg_restore failed"):
        restore(str(broken), "latest", url, echo=lambda m: None)
    assert fingerprint(url) == before and helpers_on(url) == []
    one_sentence(invoke("snapshot.restore", "--from", str(built), "--database-url", pg.url("e" * 64)),
                 "Postgres would cut it to 63")
    one_sentence(invoke("snapshot.restore", "--from", str(built), "--database-url", pg.url("cpd_tmp_stage_x")),
                 "keeps for its own work databases")


def test_two_restores_into_one_target_never_leave_a_partial_copy(built, dbs):
    target = dbs.empty("twice")
    restore(str(built), "latest", target, force=True, echo=lambda m: None)
    expected = mf.read(built / LocalStore(built).latest())["row_counts"]
    before = fingerprint(target)
    # While another restore holds the target's lock, a second one is refused with one sentence.
    with locks.AdvisoryLock(locks.place(databases.admin_url(target)),
                            locks.database_key(conninfo.database_name(target))) as held:
        assert held.try_acquire()
        one_sentence(invoke("snapshot.restore", "--from", str(built), "--database-url", target),
                     "Another restore or reset of twice_")
    assert fingerprint(target) == before
    # Two started at once: each ends complete or refused, never with a partial copy in place.
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(
        invoke("snapshot.restore", "--from", str(built), "--database-url", target))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for proc in outcomes:
        if proc.returncode:
            one_sentence(proc, "Another restore or reset of twice_")
    assert 0 in [p.returncode for p in outcomes]
    assert databases.table_row_counts(target) == expected
    assert helpers_on(target) == []


def test_media_root_holding_other_files_is_refused_and_kept(built, dbs, tmp_path):
    target = dbs.empty("media_target")
    restore(str(built), "latest", target, force=True, echo=lambda m: None)
    before_db = fingerprint(target)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.docx").write_text("three years of work")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    snapshot = tree_state(tmp_path)
    for path, expected in ((theirs, "holds files this tool did not put there"), (a_file, "is not a directory")):
        with pytest.raises(UserError, match=expected):
            restore(str(built), "latest", target, media_root=str(path), echo=lambda m: None)
    assert tree_state(tmp_path) == snapshot and fingerprint(target) == before_db


def test_media_is_replaced_only_after_the_swap_and_keeps_sane_modes(built, dbs, tmp_path):
    target = dbs.empty("media_swap")
    media = tmp_path / "media"
    restore(str(built), "latest", target, force=True, media_root=str(media), echo=lambda m: None)
    assert (media / ".cpd-demo-media").is_file()
    for path in media.rglob("*"):
        assert (path.stat().st_mode & 0o777) == (0o755 if path.is_dir() else 0o644), path
    assert media.stat().st_mode & 0o777 == 0o755
    before = tree_state(media)
    before_db = fingerprint(target)
    # A restore that fails after pg_restore (a row count that cannot match) keeps the old media.
    broken = tmp_path / "broken"
    latest = LocalStore(built).latest()
    shutil.copytree(built / latest, broken / latest)
    os.symlink(latest, broken / "latest")
    manifest = json.loads((broken / latest / mf.MANIFEST).read_text())
    manifest["row_counts"]["events_event"] += 1
    (broken / latest / mf.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="does not match the manifest"):
        restore(str(broken), "latest", target, media_root=str(media), echo=lambda m: None)
    assert tree_state(media) == before and fingerprint(target) == before_db
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".media.")]


def test_a_hostile_media_archive_is_one_sentence(built, dbs, tmp_path):
    latest = LocalStore(built).latest()
    hostile = tmp_path / "hostile"
    shutil.copytree(built / latest, hostile / latest)
    os.symlink(latest, hostile / "latest")
    payload = tmp_path / "evil.txt"
    payload.write_text("outside")
    with tarfile.open(hostile / latest / mf.MEDIA, "w:gz") as tar:
        tar.add(payload, arcname="../../escaped.txt")
    manifest = json.loads((hostile / latest / mf.MANIFEST).read_text())
    manifest["files"] = mf.file_entries(hostile / latest)
    (hostile / latest / mf.MANIFEST).write_text(json.dumps(manifest))
    target = dbs.empty("hostile_media")
    restore(str(built), "latest", target, force=True, echo=lambda m: None)
    before = fingerprint(target)
    proc = invoke("snapshot.restore", "--from", str(hostile), "--database-url", target, "--media-root",
                  str(tmp_path / "m" / "media"))
    one_sentence(proc, "cannot be unpacked safely")
    assert fingerprint(target) == before
    assert not list(tmp_path.rglob("escaped.txt"))


def test_a_latest_link_pointing_outside_the_store_is_refused(built, tmp_path):
    hostile = tmp_path / "built"
    hostile.mkdir()
    os.symlink("../../../../tmp/cpd-demo-escape", hostile / "latest")
    proc = invoke("snapshot.restore", "--from", str(hostile), "--database-url",
                  "postgresql://postgres@127.0.0.1:1/x")
    one_sentence(proc, "not a snapshot version")
    assert not Path("/tmp/cpd-demo-escape").exists()


def test_a_local_publish_never_moves_latest_backwards(built, tmp_path):
    newer = build_snapshot(built, seed=SEED + 3).version
    older = LocalStore(built).versions()[0]
    dest = tmp_path / "dest"
    first = invoke("snapshot.publish", "--to", str(dest), "--version", newer, "--from", str(built))
    assert first.returncode == 0 and f"latest -> {newer}" in first.stdout, first.stderr
    second = invoke("snapshot.publish", "--to", str(dest), "--version", older, "--from", str(built))
    assert second.returncode == 0 and f"latest stays on the newer {newer}" in second.stdout, second.stdout
    assert LocalStore(dest).latest() == newer and LocalStore(dest).versions() == sorted([older, newer])


def test_builds_side_by_side_on_one_server_and_a_terminated_build_cleans_up(pg, tmp_path):
    """Each url-provider build has a scratch database of its own, dropped on every exit path."""
    env = {"DATABASE_URL": pg.url("postgres_users_app")}
    databases.create_database(pg.url(), "postgres_users_app")
    outcomes = []

    def run(n):
        outcomes.append(invoke("snapshot.build", "--output", str(tmp_path / f"out{n}"), "--anchor", ANCHOR,
                               "--seed", str(SEED + n), env_extra=env))

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o.returncode for o in outcomes] == [0, 0], [o.stderr for o in outcomes]
    assert work_databases_on(pg.url()) == []

    proc = start_invoke_until(["snapshot.build", "--output", str(tmp_path / "out3"), "--anchor", ANCHOR],
                              lambda: work_databases_on(pg.url()), env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in err, err
    assert work_databases_on(pg.url()) == []
    assert LocalStore(tmp_path / "out3").versions() == []


def test_a_killed_builds_scratch_database_is_reaped_by_the_next(pg, tmp_path):
    env = {"DATABASE_URL": pg.url("postgres_users_app2")}
    databases.create_database(pg.url(), "postgres_users_app2")
    proc = start_invoke_until(["snapshot.build", "--output", str(tmp_path / "a"), "--anchor", ANCHOR],
                              lambda: work_databases_on(pg.url()), env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # the server notices the dead client and releases its lock
    left = work_databases_on(pg.url())
    assert len(left) == 1
    ok = invoke("snapshot.build", "--output", str(tmp_path / "b"), "--anchor", ANCHOR, env_extra=env)
    assert ok.returncode == 0, ok.stderr
    assert work_databases_on(pg.url()) == []
