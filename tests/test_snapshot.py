"""snapshot.build -> artifact -> snapshot.restore on real Postgres, and the ways it must not lose data."""

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

from builder import artifact, database
from builder.build import build
from builder.errors import UserError
from builder.restore import restore, staging_name
from tests.conftest import ANCHOR, PROJECT, SEED, invoke, one, query, snapshot_tables


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("snapshots")
    result = build(provider="embedded", seed=SEED, scale=1, anchor=ANCHOR, output=root, echo=lambda m: None)
    return root, result


@pytest.fixture
def target(pg, dbs):
    """A target database holding something that must survive a failed restore."""
    url = dbs.empty("target")
    with database.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    return url


def copy_store(src: Path, dst: Path, version: str) -> Path:
    shutil.copytree(src / version, dst / version)
    os.symlink(version, dst / "latest")
    return dst / version


def test_build_writes_a_complete_versioned_artifact(store):
    root, result = store
    version_dir = root / result.version
    assert (root / "latest").resolve() == version_dir.resolve()
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["format_version"] == artifact.FORMAT_VERSION and manifest["version"] == result.version
    assert manifest["seed"] == SEED and manifest["scale"] == 1
    assert datetime.fromisoformat(manifest["anchor_at"]) == datetime.fromisoformat(ANCHOR)
    assert manifest["postgres"]["server_major"] == 15 and "pg_dump" in manifest["postgres"]["pg_dump_version"]
    assert manifest["migrations"]["events"].startswith("0")
    assert manifest["row_counts"]["marketing_contact"] == 225
    for name in ("cpd-demo.dump", "media.tar.gz"):
        entry = manifest["files"][name]
        assert entry["size"] == (version_dir / name).stat().st_size
        assert entry["sha256"] == artifact.sha256_file(version_dir / name)
    assert len(manifest["content_digest"]) == 64 and manifest["builder_revision"]
    assert artifact.verify(version_dir)["version"] == result.version


def test_same_content_is_not_rebuilt_unless_forced(store, tmp_path):
    first = store[1]
    root = tmp_path
    copy_store(store[0], root, first.version)
    again = build(provider="embedded", seed=SEED, scale=1, anchor="2026-07-04T09:00:00Z", output=root,
                  echo=lambda m: None)
    assert again.skipped and again.version == first.version and again.digest == first.digest
    other = build(provider="embedded", seed=SEED + 1, scale=1, anchor=ANCHOR, output=root, echo=lambda m: None)
    assert not other.skipped and other.digest != first.digest
    assert os.readlink(root / "latest") == other.version
    forced = build(provider="embedded", seed=SEED + 1, scale=1, anchor=ANCHOR, output=root, force=True,
                   echo=lambda m: None)
    assert not forced.skipped and forced.version != other.version and forced.digest == other.digest
    assert artifact.LocalStore(root).versions() == sorted([first.version, other.version, forced.version])
    # Prune never removes what latest points to, and keeps the newest.
    removed = artifact.LocalStore(root).prune(keep=1)
    assert removed == [first.version, other.version]
    assert artifact.LocalStore(root).versions() == [forced.version]


def test_restore_into_a_new_database_then_over_it(store, dbs, tmp_path):
    root, result = store
    url = dbs.pg.url("restored_fresh")
    media = tmp_path / "media"
    before = datetime.now(timezone.utc)
    restored = restore(str(root), result.version, url, media_root=str(media), echo=lambda m: None)
    assert restored.version == result.version and restored.media_files == 10
    assert (media / "badges" / "certified-expert.png").read_bytes()[:4] == b"\x89PNG"
    counts = database.table_row_counts(url)
    assert counts == result.manifest["row_counts"]
    anchor = one(url, "SELECT anchor_at FROM cpd_demo_snapshot")
    assert before <= anchor <= datetime.now(timezone.utc)
    assert query(url, "SELECT title FROM events_event WHERE starts_at <= now() AND ends_at > now()") == \
        [("Community Meetup",)]
    assert one(url, "SELECT count(*) FROM events_event WHERE title LIKE 'Future%%' AND starts_at > now()") == 1
    # Again, over the existing database, to a chosen now; no staging database is left behind.
    restore(str(root), "latest", url, now="2027-03-01T14:00Z", echo=lambda m: None)
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == datetime(2027, 3, 1, 14, tzinfo=timezone.utc)
    assert not database.database_exists(dbs.pg.url(), staging_name("restored_fresh"))


def _fails_and_keeps_target(source, version, url, match):
    before = snapshot_tables(url)
    with pytest.raises(UserError, match=match):
        restore(str(source), version, url, echo=lambda m: None)
    assert snapshot_tables(url) == before
    assert one(url, "SELECT note FROM precious") == "keep me"
    admin = database.admin_url_for(url)
    assert not database.database_exists(admin, staging_name(database.database_name(url)))


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
    manifest["format_version"] = artifact.FORMAT_VERSION + 1
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
    manifest["files"] = artifact.file_entries(copied)
    (copied / "manifest.json").write_text(json.dumps(manifest))
    _fails_and_keeps_target(tmp_path, "latest", target, "pg_restore failed")


def test_restore_killed_midway_leaves_target_and_next_restore_succeeds(store, target, dbs):
    root, result = store
    before = snapshot_tables(target)
    name = database.database_name(target)
    admin = database.admin_url_for(target)
    proc = subprocess.Popen(
        [sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(root), "--database-url", target],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not database.database_exists(admin, staging_name(name)):
        assert proc.poll() is None, "restore ended before its staging database appeared"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert snapshot_tables(target) == before
    restore(str(root), "latest", target, echo=lambda m: None)
    assert database.table_row_counts(target) == result.manifest["row_counts"]
    assert not database.database_exists(admin, staging_name(name))


def test_cli_errors_are_one_sentence(store, tmp_path):
    cases = [
        (["snapshot.restore", "--from", str(store[0]), "--version", "nope", "--database-url",
          "postgresql://postgres@127.0.0.1:1/x"], "There is no version 'nope'"),
        (["snapshot.restore", "--from", str(store[0]), "--database-url", "mysql://u@h/db"], "is not a PostgreSQL URL"),
        (["snapshot.restore", "--from", str(store[0]), "--database-url", "postgresql://postgres:s3cret@127.0.0.1:1/x"],
         "Cannot connect to postgresql://postgres:***@127.0.0.1:1/postgres"),
        (["snapshot.build", "--provider", "nowhere"], "Unknown provider"),
        (["snapshot.build", "--anchor", "soon", "--output", str(tmp_path)], "is not an ISO 8601 instant"),
        (["snapshot.verify", "--from", str(tmp_path)], "holds no snapshot yet"),
        (["snapshot.prune", "--from", str(store[0]), "--keep", "0"], "--keep must be 1 or more"),
    ]
    for args, expected in cases:
        proc = invoke(*args)
        assert proc.returncode == 1, (args, proc.stderr)
        err = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert len(err) == 1 and expected in err[0] and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert "s3cret" not in proc.stderr + proc.stdout


def test_cli_build_list_verify(tmp_path):
    run = invoke
    built = run("snapshot.build", "--provider", "embedded", "--output", str(tmp_path), "--anchor", ANCHOR)
    assert built.returncode == 0, built.stderr
    assert "built " in built.stdout and "stages:" in built.stdout
    version = os.readlink(tmp_path / "latest")
    listed = run("snapshot.list", "--from", str(tmp_path))
    assert listed.returncode == 0 and f"* {version}" in listed.stdout
    verified = run("snapshot.verify", "--from", str(tmp_path))
    assert verified.returncode == 0 and verified.stdout.startswith(f"ok: {version}")


def test_url_provider_builds_beside_the_users_database(pg, dbs, tmp_path):
    """`auto` picks `url` when DATABASE_URL is set; the build uses a scratch database and leaves the user's alone."""
    users = dbs.empty("users_db")
    with database.connect(users) as conn:
        conn.execute("CREATE TABLE mine (x int)")
    before = snapshot_tables(users)
    proc = invoke("snapshot.build", "--output", str(tmp_path), "--anchor", ANCHOR, "--seed", str(SEED),
                  env_extra={"DATABASE_URL": users})
    assert proc.returncode == 0, proc.stderr
    manifest = artifact.read_manifest(tmp_path / os.readlink(tmp_path / "latest"))
    assert manifest["provider"] == "url" and manifest["row_counts"]["billing_plan"] == 4
    assert snapshot_tables(users) == before
    assert not database.database_exists(pg.url(), database.database_name(users) + "_build")


def test_no_postgres_binaries_and_no_docker_is_one_sentence(tmp_path):
    proc = invoke("snapshot.build", "--output", str(tmp_path), env_extra={
        "CPD_DEMO_PG_BINDIR": str(tmp_path / "no-postgres-here"), "DOCKER_HOST": f"unix://{tmp_path}/no.sock"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "No Postgres to build on" in lines[0]
    assert "DATABASE_URL" in lines[0] and "Docker" in lines[0] and "server binaries" in lines[0]
    assert not any(tmp_path.glob("2*"))
