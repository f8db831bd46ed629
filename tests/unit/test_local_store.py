"""The store contract's local half, and what only the local store has (a symlink, a lock)."""

import os

import pytest

from builder.errors import UserError
from builder.store.local import LocalStore
from tests.store_contract import NEW, StoreContract, fake_version


class TestLocalStore(StoreContract):
    def make_store(self, tmp_path):
        return LocalStore(tmp_path / "store")

    def break_latest(self, store, value):
        link = store.root / "latest"
        if link.is_symlink():
            link.unlink()
        os.symlink(str(value), link)


def test_a_version_directory_given_as_the_store_says_what_to_do(tmp_path):
    version_dir = fake_version(tmp_path, NEW)
    with pytest.raises(UserError, match=f"pass --from {tmp_path} --version {NEW}"):
        LocalStore(version_dir)


def test_a_file_is_not_a_store(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        LocalStore(tmp_path / "f")


def test_interrupted_work_is_never_listed_and_is_cleared(tmp_path):
    store = LocalStore(tmp_path)
    staging = store.staging_dir()
    fake_version(staging, NEW)
    (tmp_path / ".staging-999999999-x").mkdir()  # a dead process's leftovers
    assert store.versions() == []
    store.clean_staging()
    assert not list(tmp_path.glob(".staging-*"))
