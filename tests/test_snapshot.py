"""snapshot.build -> artifact -> snapshot.restore on real Postgres, and the failures that must lose nothing."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.errors import UserError
from builder.postgres import databases
from builder.snapshot.restore import restore
from builder.store import manifest as mf
from builder.store.local import LocalStore
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, query, snapshot_tables, work_databases_on
from tests.support.project import ANCHOR, PROJECT, SEED


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("snapshots")
    return root, build_snapshot(root)


@pytest.fixture
def target(dbs, store):
    """A demo database restored once, with a table added: what a failed restore must keep."""
    url = dbs.empty("target")
    restore(str(store[0]), "latest", url, force=True, echo=lambda m: None)
    with databases.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    return url


def helpers_on(url):
    """Work databases (staging, retired) the tool left on the target's server."""
    return work_databases_on(databases.admin_url(url))


def copy_store(src: Path, dst: Path, version: str) -> Path:
    shutil.copytree(src / version, dst / version)
    os.symlink(version, dst / "latest")
    return dst / version


def test_build_writes_a_complete_versioned_artifact(store, pg):
    root, result = store
    version_dir = root / result.version
    assert (root / "latest").resolve() == version_dir.resolve()
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["format_version"] == mf.FORMAT_VERSION and manifest["version"] == result.version
    assert manifest["seed"] == SEED and manifest["scale"] == 1
    assert datetime.fromisoformat(manifest["anchor_at"]) == datetime.fromisoformat(ANCHOR)
    assert manifest["postgres"]["server_major"] == databases.server_major(pg.url())
    assert "pg_dump" in manifest["postgres"]["pg_dump_version"]
    assert manifest["migrations"]["events"].startswith("0")
    assert manifest["total_rows"] == sum(manifest["row_counts"].values()) > 1000
    assert {"events_event", "marketing_contact", "cpd_demo_snapshot"} <= set(manifest["row_counts"])
    for name in ("cpd-demo.dump", "media.tar.gz"):
        entry = manifest["files"][name]
        assert entry["size"] == (version_dir / name).stat().st_size
        assert entry["sha256"] == mf.sha256_file(version_dir / name)
    assert len(manifest["content_digest"]) == 64 and manifest["builder_revision"]
    assert mf.verify(version_dir)["version"] == result.version


def test_same_content_is_not_rebuilt_unless_forced(store, tmp_path):
    first = store[1]
    root = tmp_path
    copy_store(store[0], root, first.version)
    again = build_snapshot(root, anchor="2026-07-04T09:00:00Z")
    assert again.skipped and again.version == first.version and again.digest == first.digest
    other = build_snapshot(root, seed=SEED + 1)
    assert not other.skipped and other.digest != first.digest
    assert os.readlink(root / "latest") == other.version
    forced = build_snapshot(root, seed=SEED + 1, force=True)
    assert not forced.skipped and forced.version != other.version and forced.digest == other.digest
    assert LocalStore(root).versions() == sorted([first.version, other.version, forced.version])
    # Prune never removes what latest points to, and keeps the newest.
    removed = LocalStore(root).prune(keep=1)
    assert removed == [first.version, other.version]
    assert LocalStore(root).versions() == [forced.version]


def test_restore_into_a_new_database_then_over_it(store, dbs, tmp_path):
    root, result = store
    url = dbs.pg.url("restored_fresh")
    media = tmp_path / "media"
    before = datetime.now(timezone.utc)
    restored = restore(str(root), result.version, url, media_root=str(media), echo=lambda m: None)
    with_files = [p for p in media.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert restored.version == result.version and restored.media_files == len(with_files) > 0
    assert restored.replaced == "missing"
    assert (media / "badges" / "certified-expert.png").read_bytes()[:4] == b"\x89PNG"
    assert databases.table_row_counts(url) == result.manifest["row_counts"]
    anchor = one(url, "SELECT anchor_at FROM cpd_demo_snapshot")
    assert before.replace(microsecond=0) <= anchor <= datetime.now(timezone.utc)
    assert query(url, "SELECT title FROM events_event WHERE starts_at <= now() AND ends_at > now()") == \
        [("Community Meetup",)]
    assert one(url, "SELECT count(*) FROM events_event WHERE title LIKE 'Future%%' AND starts_at > now()") == 1
    # Again, over the existing demo database, to a chosen now; no work database is left behind.
    again = restore(str(root), "latest", url, now=datetime(2027, 3, 1, 14, tzinfo=timezone.utc), echo=lambda m: None)
    assert again.replaced == "demo"
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == datetime(2027, 3, 1, 14, tzinfo=timezone.utc)
    assert helpers_on(url) == []


def _fails_and_keeps_target(source, version, url, match):
    before = snapshot_tables(url)
    with pytest.raises(UserError, match=match):
        restore(str(source), version, url, echo=lambda m: None)
    assert snapshot_tables(url) == before
    assert one(url, "SELECT note FROM precious") == "keep me"
    assert helpers_on(url) == []


def test_corrupt_dump_is_caught_before_the_target_is_touched(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    dump = copied / "cpd-demo.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    _fails_and_keeps_target(tmp_path, "latest", target, "does not match its sha256")


def test_truncated_dump(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    dump = copied / "cpd-demo.dump"
    dump.write_bytes(dump.read_bytes()[:1000])
    _fails_and_keeps_target(tmp_path, "latest", target, "truncated or corrupt")


def test_wrong_checksum_in_manifest(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    manifest = json.loads((copied / "manifest.json").read_text())
    manifest["files"]["media.tar.gz"]["sha256"] = "0" * 64
    (copied / "manifest.json").write_text(json.dumps(manifest))
    _fails_and_keeps_target(tmp_path, "latest", target, "media.tar.gz does not match")


def test_unknown_version_and_empty_store(store, target, tmp_path):
    _fails_and_keeps_target(store[0], "20000101T000000Z-deadbeef", target, "There is no version")
    _fails_and_keeps_target(tmp_path, "latest", target, "holds no snapshot yet")


def test_newer_manifest_format_and_corrupt_manifest(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    manifest = json.loads((copied / "manifest.json").read_text())
    manifest["format_version"] = mf.FORMAT_VERSION + 1
    (copied / "manifest.json").write_text(json.dumps(manifest))
    _fails_and_keeps_target(tmp_path, "latest", target, "upgrade cpd-demo-db")
    (copied / "manifest.json").write_text("{not json")
    _fails_and_keeps_target(tmp_path, "latest", target, "not valid JSON")


def test_dump_from_a_newer_postgres_major(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    manifest = json.loads((copied / "manifest.json").read_text())
    manifest["postgres"]["server_major"] = 99
    (copied / "manifest.json").write_text(json.dumps(manifest))
    _fails_and_keeps_target(tmp_path, "latest", target, "dumped from Postgres 99 and cannot be restored")


def test_unreadable_dump_with_matching_checksums_fails_in_staging(store, target, tmp_path):
    root, result = store
    copied = copy_store(root, tmp_path, result.version)
    (copied / "cpd-demo.dump").write_bytes(b"PGDMP" + b"\x00" * 4000)
    manifest = json.loads((copied / "manifest.json").read_text())
    manifest["files"] = mf.file_entries(copied)
    (copied / "manifest.json").write_text(json.dumps(manifest))
    _fails_and_keeps_target(tmp_path, "latest", target, "pg_restore failed")


def test_restore_killed_midway_leaves_target_and_next_restore_succeeds(store, target):
    root, result = store
    before = snapshot_tables(target)
    proc = subprocess.Popen(
        [sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(root), "--database-url", target],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not [n for n in helpers_on(target) if "_stage_" in n]:
        assert proc.poll() is None, "restore ended before its staging database appeared"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert snapshot_tables(target) == before
    restore(str(root), "latest", target, echo=lambda m: None)
    assert databases.table_row_counts(target) == result.manifest["row_counts"]
    assert helpers_on(target) == []


def test_cli_errors_are_one_sentence(store, tmp_path):
    cases = [
        (["snapshot.restore", "--from", str(store[0]), "--version", "nope", "--database-url",
          "postgresql://postgres@127.0.0.1:1/x"], "not a snapshot version"),
        (["snapshot.restore", "--from", str(store[0]), "--database-url", "mysql://u@h/db"], "is not a PostgreSQL URL"),
        (["snapshot.restore", "--from", str(store[0]), "--database-url", "postgresql://postgres:s3cret@127.0.0.1:1/x"],
         "Cannot connect to postgresql://postgres:***@127.0.0.1:1/postgres"),
        (["snapshot.build", "--provider", "nowhere"], "Unknown provider"),
        (["snapshot.build", "--anchor", "soon", "--output", str(tmp_path)], "is not an ISO 8601 instant"),
        (["snapshot.verify", "--from", str(tmp_path)], "holds no snapshot yet"),
        (["snapshot.prune", "--from", str(store[0]), "--keep", "0"], "--keep must be a whole number"),
    ]
    for args, expected in cases:
        proc = invoke(*args)
        one_sentence(proc, expected)
        assert "s3cret" not in proc.stderr + proc.stdout


def test_cli_build_list_verify(tmp_path):
    built = invoke("snapshot.build", "--provider", "embedded", "--output", str(tmp_path), "--anchor", ANCHOR)
    assert built.returncode == 0, built.stderr
    assert "built " in built.stdout and "stages:" in built.stdout
    version = os.readlink(tmp_path / "latest")
    listed = invoke("snapshot.list", "--from", str(tmp_path))
    assert listed.returncode == 0 and f"* {version}" in listed.stdout
    verified = invoke("snapshot.verify", "--from", str(tmp_path))
    assert verified.returncode == 0 and verified.stdout.startswith(f"ok: {version}")


def test_url_provider_builds_beside_the_users_database(pg, dbs, tmp_path):
    """`auto` picks `url` when DATABASE_URL is set; the build uses a scratch database and leaves the user's alone."""
    users = dbs.empty("users_db")
    with databases.connect(users) as conn:
        conn.execute("CREATE TABLE mine (x int)")
    before = snapshot_tables(users)
    proc = invoke("snapshot.build", "--output", str(tmp_path), "--anchor", ANCHOR, "--seed", str(SEED),
                  env_extra={"DATABASE_URL": users})
    assert proc.returncode == 0, proc.stderr
    manifest = mf.read(tmp_path / os.readlink(tmp_path / "latest"))
    assert manifest["provider"] == "url" and manifest["row_counts"]["billing_plan"] == 4
    assert snapshot_tables(users) == before
    assert work_databases_on(pg.url()) == []


def test_no_postgres_binaries_and_no_docker_is_one_sentence(tmp_path):
    proc = invoke("snapshot.build", "--output", str(tmp_path), env_extra={
        "CPD_DEMO_PG_BINDIR": str(tmp_path / "no-postgres-here"), "DOCKER_HOST": f"unix://{tmp_path}/no.sock"})
    line = one_sentence(proc, "No Postgres to build on")
    assert "DATABASE_URL" in line and "Docker" in line and "server binaries" in line
    assert not any(tmp_path.glob("2*"))
