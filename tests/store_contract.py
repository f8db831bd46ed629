"""The Store contract, one test suite for every store (fsspec's way): a subclass provides `make_store`.

Versions here are small fabricated artifacts (the stores never read the dump), so the suite is fast.
"""

import json
import os
from pathlib import Path

import pytest

from builder.errors import UserError
from builder.store import manifest as mf
from builder.store.base import Store

OLD, NEW, NEWEST = "20260101T000000Z-aaaaaaaa", "20260201T000000Z-bbbbbbbb", "20260301T000000Z-cccccccc"


def fake_version(root: Path, version: str, digest: str | None = None) -> Path:
    """A complete, verifiable artifact directory for `version`."""
    path = Path(root) / version
    path.mkdir(parents=True)
    (path / mf.DUMP).write_bytes(b"PGDMP" + version.encode() * 50)
    (path / mf.MEDIA).write_bytes(b"media of " + version.encode())
    mf.write(path, {
        "format_version": mf.FORMAT_VERSION, "version": version, "anchor_at": "2026-03-15T14:30:00+00:00",
        "seed": 1, "scale": 1, "postgres": {"server_major": 15}, "row_counts": {"t": 1}, "total_rows": 1,
        "files": mf.file_entries(path), "content_digest": digest or version[-8:] * 8})
    return path


class StoreContract:
    """Every store: versions immutable, latest written last and never backwards, names checked."""

    def make_store(self, tmp_path: Path) -> Store:
        raise NotImplementedError

    def break_latest(self, store: Store, value: object) -> None:
        """Make latest point at `value` as a careless or hostile hand would."""
        raise NotImplementedError

    @pytest.fixture
    def store(self, tmp_path):
        return self.make_store(tmp_path)

    @pytest.fixture
    def built(self, tmp_path):
        src = tmp_path / "src"
        return {v: fake_version(src, v) for v in (OLD, NEW, NEWEST)}

    def test_an_empty_store_has_nothing(self, store):
        assert store.versions() == [] and store.latest() is None and store.latest_digest() is None
        with pytest.raises(UserError, match="holds no snapshot yet"):
            store.resolve("latest")

    def test_publish_then_latest_is_written_separately(self, store, built):
        store.publish(built[NEW], NEW)
        assert store.versions() == [NEW] and store.latest() is None
        assert store.set_latest(NEW) is True
        assert store.latest() == NEW and store.resolve(None) == NEW and store.resolve(NEW) == NEW
        assert store.manifest(NEW)["version"] == NEW
        assert store.latest_digest() == store.manifest(NEW)["content_digest"]

    def test_latest_never_moves_backwards(self, store, built):
        for v in (OLD, NEWEST, NEW):
            store.publish(built[v], v)
        assert store.set_latest(NEWEST) is True
        assert store.set_latest(OLD) is False and store.set_latest(NEW) is False
        assert store.latest() == NEWEST
        assert store.set_latest(NEWEST) is False

    def test_versions_are_immutable(self, store, built, tmp_path):
        store.publish(built[NEW], NEW)
        other = fake_version(tmp_path / "other", NEW, digest="f" * 64)
        with pytest.raises(UserError, match="already exists"):
            store.publish(other, NEW)
        assert store.manifest(NEW)["content_digest"] == mf.read(built[NEW])["content_digest"]

    def test_publish_refuses_an_artifact_that_does_not_verify(self, store, built):
        (built[OLD] / mf.DUMP).write_bytes(b"tampered")
        with pytest.raises(UserError, match="truncated or corrupt|does not match"):
            store.publish(built[OLD], OLD)
        assert store.versions() == []

    def test_fetch_gives_a_verified_copy_in_the_workdir(self, store, built, tmp_path):
        store.publish(built[NEW], NEW)
        work = tmp_path / "work"
        work.mkdir()
        got = store.fetch(NEW, work)
        assert got.parent == work and mf.verify(got, NEW)["version"] == NEW
        assert (got / mf.DUMP).read_bytes() == (built[NEW] / mf.DUMP).read_bytes()
        # The copy outlives the version: a prune meanwhile does not pull it from under a restore.
        store.publish(built[NEWEST], NEWEST)
        store.set_latest(NEWEST)
        assert store.prune(keep=1) == [NEW]
        assert mf.verify(got, NEW)["version"] == NEW

    def test_resolve_checks_names_before_any_use(self, store, built):
        store.publish(built[NEW], NEW)
        for bad in ("../../../../tmp/x", "nope", "latest/../x", NEW + "/.."):
            with pytest.raises(UserError, match="not a snapshot version"):
                store.resolve(bad)
        with pytest.raises(UserError, match="There is no version"):
            store.resolve(OLD)

    @pytest.mark.parametrize("value", ["../../../../tmp/x", 5, "str"])
    def test_a_malformed_latest_is_one_sentence(self, store, built, value):
        store.publish(built[NEW], NEW)
        self.break_latest(store, value)
        with pytest.raises(UserError) as caught:
            store.resolve("latest")
        assert "\n" not in str(caught.value) and "/tmp/x" not in os.listdir("/tmp")

    def test_prune_keeps_the_newest_and_latest(self, store, built):
        for v in (OLD, NEW, NEWEST):
            store.publish(built[v], v)
        store.set_latest(OLD)
        assert store.prune(keep=1) == [NEW]
        assert store.versions() == [OLD, NEWEST]
        with pytest.raises(UserError, match="--keep must be 1 or more"):
            store.prune(keep=0)

    def test_set_latest_needs_a_complete_version(self, store):
        with pytest.raises(UserError, match="no complete version"):
            store.set_latest(NEW)
        assert store.latest() is None


def write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value))
