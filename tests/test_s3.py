"""The S3 store and snapshot.publish against moto's S3 server on 127.0.0.1, over HTTP."""

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time

import boto3
import pytest

from builder.errors import UserError
from builder.postgres import databases
from builder.postgres.embedded import free_port
from builder.snapshot.restore import restore
from builder.store import manifest as mf
from builder.store.s3 import S3Store
from tests.store_contract import StoreContract
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence
from tests.support.postgres import one, snapshot_tables
from tests.support.project import SEED
from tests.support.s3 import BUCKET, CREDS


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """Two local builds with different content: (store dir, [older, newer] versions)."""
    root = tmp_path_factory.mktemp("local")
    a = build_snapshot(root)
    b = build_snapshot(root, seed=SEED + 7)
    return root, [a.version, b.version]


def one_line_error(proc, expected):
    assert proc.returncode == 1, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in proc.stderr, proc.stderr
    assert CREDS["AWS_SECRET_ACCESS_KEY"] not in proc.stdout + proc.stderr


def test_publish_list_restore(s3, local, dbs, tmp_path):
    root, (old, new) = local
    prefix = f"s3://{BUCKET}/roundtrip"
    proc = invoke("snapshot.publish", "--to", prefix, "--version", old, "--from", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "published" in proc.stdout and CREDS["AWS_SECRET_ACCESS_KEY"] not in proc.stdout + proc.stderr
    again = invoke("snapshot.publish", "--to", prefix, "--version", old, "--from", str(root))
    assert again.returncode == 0 and "unchanged" in again.stdout
    listed = invoke("snapshot.list", "--from", prefix)
    assert listed.returncode == 0 and f"* {old}" in listed.stdout
    assert invoke("snapshot.verify", "--from", prefix).stdout.startswith(f"ok: {old}")
    url = dbs.pg.url("from_s3")
    result = restore(prefix, "latest", url, media_root=str(tmp_path / "media"), echo=lambda m: None)
    assert result.version == old
    assert databases.table_row_counts(url) == mf.read(root / old)["row_counts"]
    assert (tmp_path / "media" / "badges" / "early-adopter.png").exists()


def test_objects_carry_sha256(s3, local):
    root, (old, _) = local
    store = S3Store.from_url(f"s3://{BUCKET}/sha")
    store.publish(root / old, old)
    for name in ("cpd-demo.dump", "media.tar.gz"):
        head = s3.head_object(Bucket=BUCKET, Key=f"sha/{old}/{name}", ChecksumMode="ENABLED")
        assert base64.b64decode(head["ChecksumSHA256"]).hex() == mf.read(root / old)["files"][name]["sha256"]


def test_multipart_upload_roundtrip(s3, local, dbs):
    root, (old, _) = local
    prefix = f"s3://{BUCKET}/multipart"
    proc = invoke("snapshot.publish", "--to", prefix, "--version", old, "--from", str(root),
                  env_extra={"CPD_DEMO_S3_MULTIPART_THRESHOLD": "1"})
    assert proc.returncode == 0, proc.stderr
    head = s3.head_object(Bucket=BUCKET, Key=f"multipart/{old}/cpd-demo.dump", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] != s3.head_object(Bucket=BUCKET, Key=f"roundtrip/{old}/cpd-demo.dump",
                                                    ChecksumMode="ENABLED")["ChecksumSHA256"]
    url = dbs.pg.url("from_multipart")
    restore(prefix, "latest", url, echo=lambda m: None)
    assert one(url, "SELECT count(*) FROM billing_plan") == 4


def test_same_version_twice_fails_and_the_first_stays(s3, local):
    root, (old, _) = local
    store = S3Store.from_url(f"s3://{BUCKET}/twice")
    store.publish(root / old, old)
    store.set_latest(old)
    before = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="twice/")["Contents"]}
    with pytest.raises(UserError, match="already exists .* versions are immutable"):
        store.publish(root / old, old)
    after = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="twice/")["Contents"]}
    assert after == before


def test_two_publishes_at_once(s3, local, tmp_path):
    root, versions = local
    store_url = f"s3://{BUCKET}/concurrent"
    errors = []

    def go(version):
        try:
            store = S3Store.from_url(store_url)  # its own client, as a second CI job would have
            store.publish(root / version, version)
            store.set_latest(version)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(v,)) for v in reversed(versions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    store = S3Store.from_url(store_url)
    assert store.versions() == sorted(versions)
    assert store.latest() == max(versions)
    for v in versions:
        fetched = store.fetch(v, tmp_path)
        assert mf.verify(fetched, v)["content_digest"] == mf.read(root / v)["content_digest"]


def test_upload_killed_midway_leaves_latest_on_the_previous_version(s3, local):
    root, (old, new) = local
    prefix = f"s3://{BUCKET}/killed"
    assert invoke("snapshot.publish", "--to", prefix, "--version", old, "--from", str(root)).returncode == 0
    killed = invoke("snapshot.publish", "--to", prefix, "--version", new, "--from", str(root),
                    env_extra={"CPD_DEMO_KILL_AT": "s3-after-cpd-demo.dump"})
    assert killed.returncode == -9
    store = S3Store.from_url(prefix)
    assert store.latest() == old and store.versions() == [old]
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=f"killed/{new}/").get("KeyCount") == 1  # the orphaned dump
    retried = invoke("snapshot.publish", "--to", prefix, "--version", new, "--from", str(root))
    assert retried.returncode == 0, retried.stderr
    assert store.latest() == new and store.versions() == [old, new]


def test_corrupted_object_is_caught_before_the_target_is_touched(s3, local, dbs):
    root, (old, _) = local
    prefix = f"s3://{BUCKET}/corrupt"
    store = S3Store.from_url(prefix)
    store.publish(root / old, old)
    store.set_latest(old)
    data = bytearray((root / old / "cpd-demo.dump").read_bytes())
    data[100] ^= 0x55
    s3.put_object(Bucket=BUCKET, Key=f"corrupt/{old}/cpd-demo.dump", Body=bytes(data))
    url = dbs.empty("s3target")
    restore(str(root), old, url, force=True, echo=lambda m: None)
    with databases.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
    before = snapshot_tables(url)
    with pytest.raises(UserError, match="does not match its sha256"):
        restore(prefix, "latest", url, echo=lambda m: None)
    assert snapshot_tables(url) == before


def test_prune_in_s3_keeps_latest(s3, local):
    root, (old, new) = local
    store = S3Store.from_url(f"s3://{BUCKET}/prune")
    for v in (old, new):
        store.publish(root / v, v)
    store.set_latest(old)  # latest deliberately on the older one
    assert store.prune(keep=1) == []
    store.set_latest(new)
    assert store.prune(keep=1) == [old] and store.versions() == [new]


def test_unreachable_endpoint_missing_bucket_denied_access(s3, local, tmp_path):
    root, (old, _) = local
    unreachable = invoke("snapshot.list", "--from", f"s3://{BUCKET}/x",
                         env_extra={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"})
    one_line_error(unreachable, "Cannot reach the S3 endpoint")
    missing = invoke("snapshot.publish", "--to", "s3://no-such-bucket-here/x", "--version", old, "--from", str(root))
    assert missing.returncode == 1 and "The bucket no-such-bucket-here does not exist" in missing.stdout
    assert "Traceback" not in missing.stderr

    # A second moto server that enforces IAM: a user with no policy is denied.
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        iam = boto3.client("iam", endpoint_url=endpoint)
        iam.create_user(UserName="no-rights")
        key = iam.create_access_key(UserName="no-rights")["AccessKey"]
        denied = invoke("snapshot.list", "--from", f"s3://{BUCKET}/x", env_extra={
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
        one_line_error(denied, "was denied")
        assert key["SecretAccessKey"] not in denied.stdout + denied.stderr
    finally:
        server.terminate()
        server.wait()


class TestS3Store(StoreContract):
    """The store contract against moto's S3 server, over HTTP."""

    @pytest.fixture(autouse=True)
    def _server(self, s3):
        self.s3 = s3

    def make_store(self, tmp_path):
        return S3Store.from_url(f"s3://{BUCKET}/contract-{tmp_path.name}")

    def break_latest(self, store, value):
        self.s3.put_object(Bucket=BUCKET, Key=store.key("latest.json"),
                           Body=json.dumps(value if value == "str" else {"version": value}).encode())


def test_bad_s3_settings_are_one_sentence(s3):
    one_sentence(invoke("snapshot.list", "--from", f"s3://{BUCKET}/x", env_extra={"AWS_ENDPOINT_URL": "notaurl"}),
                 "S3 settings are not usable")
    one_sentence(invoke("snapshot.list", "--from", f"s3://{BUCKET}/../x"), "has '..' in its prefix")
