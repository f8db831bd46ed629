"""Version names and manifests: made, parsed, checked before use."""

import json
from datetime import datetime, timezone

import pytest

from builder.errors import UserError
from builder.store import manifest as mf
from builder.store.versions import check_version, is_version, new_version, to_prune
from tests.store_contract import NEW, fake_version


def test_a_new_version_is_sortable_time_then_digest():
    v = new_version("abcdef0123456789", datetime(2026, 11, 24, 21, 1, 55, tzinfo=timezone.utc))
    assert v == "20261124T210155Z-abcdef01" and is_version(v)


@pytest.mark.parametrize("name", ["../../../../tmp/x", "latest", "", "20261124T210155Z-ABCDEF01",
                                  "20261124T210155Z-abcdef01/..", 5, None, "20261124T210155Z-abcdef0"])
def test_anything_else_is_not_a_version(name):
    assert not is_version(name)
    with pytest.raises(UserError, match="not a snapshot version"):
        check_version(name, "latest.json")


def test_prune_keeps_the_newest_and_latest():
    versions = ["20260101T000000Z-aaaaaaaa", "20260201T000000Z-bbbbbbbb", "20260301T000000Z-cccccccc"]
    assert to_prune(versions, None, 2) == versions[:1]
    assert to_prune(versions, versions[0], 1) == versions[1:2]
    assert to_prune(list(reversed(versions)), None, 5) == []
    with pytest.raises(UserError, match="--keep must be 1 or more"):
        to_prune(versions, None, 0)


def valid(tmp_path) -> dict:
    return mf.read(fake_version(tmp_path, NEW))


def test_a_valid_manifest_parses(tmp_path):
    assert valid(tmp_path)["version"] == NEW


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.pop("row_counts"), "lacks 'row_counts'"),
    (lambda m: m.update(seed="1"), "invalid 'seed'"),
    (lambda m: m.update(scale=True), "invalid 'scale'"),
    (lambda m: m["postgres"].update(server_major="abc"), "invalid Postgres server_major"),
    (lambda m: m["files"]["cpd-demo.dump"].update(sha256="short"), "no valid size and sha256 for cpd-demo.dump"),
    (lambda m: m.update(version="../x"), "not a snapshot version"),
    (lambda m: m["row_counts"].update(t="many"), "row count that is not a number"),
    (lambda m: m.update(format_version=mf.FORMAT_VERSION + 1), "upgrade cpd-demo-db"),
])
def test_a_hand_edited_manifest_is_one_sentence(tmp_path, edit, message):
    manifest = valid(tmp_path)
    edit(manifest)
    with pytest.raises(UserError, match=message) as caught:
        mf.parse(json.dumps(manifest), "here")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["{not json", "[]", '"str"', "\xff\xfe"])
def test_not_a_manifest_at_all(text):
    with pytest.raises(UserError, match="not valid JSON|not a JSON object"):
        mf.parse(text.encode("latin-1"), "here")


def test_verify_catches_size_and_checksum_and_a_wrong_version(tmp_path):
    path = fake_version(tmp_path, NEW)
    assert mf.verify(path, NEW)["version"] == NEW
    with pytest.raises(UserError, match="holds version"):
        mf.verify(path, "20300101T000000Z-dddddddd")
    data = bytearray((path / mf.DUMP).read_bytes())
    data[3] ^= 1
    (path / mf.DUMP).write_bytes(bytes(data))
    with pytest.raises(UserError, match="does not match its sha256"):
        mf.verify(path)
    (path / mf.DUMP).write_bytes(b"short")
    with pytest.raises(UserError, match="truncated or corrupt"):
        mf.verify(path)
    (path / mf.MEDIA).unlink()
    with pytest.raises(UserError, match="missing"):
        mf.verify_file(path / mf.MEDIA, mf.MEDIA, {"size": 1, "sha256": "0" * 64})
